"""The Odoo connector: Odoo's external XML-RPC API, authenticated with an API key."""

from __future__ import annotations

from nexus_integrations.odoo._client import OdooClient, OdooConfig
from nexus_integrations.odoo._import import CONNECTOR

__all__ = ("CONNECTOR", "OdooClient", "OdooConfig")
