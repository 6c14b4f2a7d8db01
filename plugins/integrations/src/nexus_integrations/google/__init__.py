"""The Google Workspace connector: Contacts (People API) and Calendar, OAuth 2.0 per tenant."""

from __future__ import annotations

from nexus_integrations.google._client import GoogleConfig, PeopleClient
from nexus_integrations.google._workspace import CONNECTOR

__all__ = ("CONNECTOR", "GoogleConfig", "PeopleClient")
