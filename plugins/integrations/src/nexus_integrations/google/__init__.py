"""The Google Workspace connector: Contacts through the People API, OAuth 2.0 per tenant."""

from __future__ import annotations

from nexus_integrations.google._client import GoogleConfig, PeopleClient
from nexus_integrations.google._contacts import CONNECTOR

__all__ = ("CONNECTOR", "GoogleConfig", "PeopleClient")
