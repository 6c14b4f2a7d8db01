"""The Zoho CRM connector: its REST API (v7/v2), OAuth 2.0 per data center."""

from __future__ import annotations

from nexus_integrations.zoho._client import ZohoClient, ZohoConfig
from nexus_integrations.zoho._import import CONNECTOR

__all__ = ("CONNECTOR", "ZohoClient", "ZohoConfig")
