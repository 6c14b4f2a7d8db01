"""Nexus as an identity provider for a tenant's apps: OpenID Connect and SCIM 2.0 (issue #29).

It sits above ``identity``: it signs users in with the kernel's sign-in and reads the
kernel's users, so it cannot be a plugin (plugins reach neither).
"""

from __future__ import annotations

from nexus.idaas._keys import KEYS_VARIABLE
from nexus.idaas._mcp_access import MCP_PATH, MCP_SCOPE, mcp_resource, oauth_principal
from nexus.idaas._routes import OidcController
from nexus.idaas._routes_clients import CLIENTS_PERMISSION, ClientController, KeyController
from nexus.idaas._scim import SCIM_PERMISSION, scim_routes

__all__ = (
    "CLIENTS_PERMISSION",
    "KEYS_VARIABLE",
    "MCP_PATH",
    "MCP_SCOPE",
    "SCIM_PERMISSION",
    "idaas_routes",
    "mcp_resource",
    "oauth_principal",
)

idaas_routes = [ClientController, KeyController, OidcController, *scim_routes]
