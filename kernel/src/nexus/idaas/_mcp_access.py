"""The tenant's OpenID provider as the authorization server of its ``/mcp`` endpoint.

The MCP authorization spec (2025-06-18) makes ``/mcp`` an OAuth 2.1 resource server: a host
gets an access token from the tenant's issuer by the code flow with PKCE, asking for the
scope ``mcp`` with ``resource`` naming the tenant's MCP URL (RFC 8707), and presents it as
``Authorization: Bearer``. Only such a token is accepted there: one issued for the
tenant's other apps (without ``mcp``) or by another tenant's issuer is not.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.idaas import _store
from nexus.identity import AuthError

if TYPE_CHECKING:
    from uuid import UUID

    from nexus.identity import Principal
    from nexus.services import Kernel

__all__ = ("MCP_PATH", "MCP_SCOPE", "mcp_resource", "oauth_principal")

MCP_SCOPE = "mcp"
"""The scope a token for ``/mcp`` carries."""

MCP_PATH = "/mcp"
"""Where the kernel serves MCP; a tenant's own resource is ``/mcp/<slug>``."""

_ISSUER_MARK = "/api/v1/oidc/"


def mcp_resource(issuer: str) -> str:
    """The MCP resource URL of the tenant whose issuer is ``issuer``: ``<base>/mcp/<slug>``."""
    base, _, slug = issuer.rpartition(_ISSUER_MARK)
    return f"{base}{MCP_PATH}/{slug}"


async def oauth_principal(kernel: Kernel, tenant_id: UUID, token: str) -> Principal | None:
    """The user an access token of the tenant's issuer acts for at ``/mcp``, else ``None``.

    ``None`` for a token the issuer does not know, revoked or expired, without a user
    (client credentials), without the ``mcp`` scope, or whose user may not act now.
    """
    async with kernel.database.transaction(tenant_id=tenant_id) as conn:
        found = await _store.find_token(conn, access=token)
    if found is None or found.is_revoked() or found.is_expired() or found.user_id is None:
        return None
    if MCP_SCOPE not in found.scope.split():
        return None
    try:
        return await kernel.authenticator.user_principal(
            tenant_id, found.user_id, expires_at=found.expires_at
        )
    except AuthError:
        return None
