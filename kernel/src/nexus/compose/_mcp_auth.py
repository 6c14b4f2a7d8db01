"""Who calls ``/mcp``: Nexus credentials, or OAuth as the MCP authorization spec describes.

``/mcp`` takes what every route takes (``Authorization: Bearer`` with an API key or a Nexus
token). ``/mcp/<tenant>`` is the same endpoint as the tenant's own OAuth resource (MCP
authorization, 2025-06-18): it also takes an access token of the tenant's OpenID provider
(``nexus.idaas``) with the scope ``mcp``, issued for ``resource=<base>/mcp/<tenant>``, and
acts as that token's user with the user's roles now. Without an acceptable credential it
answers 401 with ``WWW-Authenticate: Bearer resource_metadata="…"`` pointing at the
Protected Resource Metadata (RFC 9728), which names the tenant's issuer as its
authorization server; a credential of another tenant is 401 there too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar import Request, get

from nexus.http import bind_caller, problem_response, required_tenant
from nexus.idaas import MCP_PATH, MCP_SCOPE, oauth_principal
from nexus.identity import AuthError, client_address
from nexus.services import kernel_of

if TYPE_CHECKING:
    from litestar.types import Receive, Scope, Send

    from nexus.identity import Principal
    from nexus.services import Kernel

__all__ = ("METADATA_PATH", "McpGate", "metadata_routes")

METADATA_PATH = "/.well-known/oauth-protected-resource"
"""RFC 9728's well-known prefix; the resource's own path follows it."""

_BEARER = b"bearer "
_ISSUER_PATH = "/api/v1/oidc"
_OPEN: dict[str, Any] = {"nexus_access": "public", "nexus_no_idempotency": True}
_VISITOR: dict[str, Any] = {"nexus_access": "visitor", "nexus_no_idempotency": True}


def _base(kernel: Kernel, scope: Scope) -> str:
    if kernel.settings.public_url:
        return kernel.settings.public_url.rstrip("/")
    return str(Request(scope).base_url).rstrip("/")


def _tenant_slug(scope: Scope) -> str | None:
    """``acme`` of ``/mcp/acme`` (any path below it), ``None`` for ``/mcp`` itself."""
    path = scope.get("raw_path", scope["path"].encode()).decode("latin-1")
    rest = path.split("?", 1)[0][len(MCP_PATH) :].strip("/")
    return rest.split("/", 1)[0] or None


def _bearer(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"authorization" and value[: len(_BEARER)].lower() == _BEARER:
            return value[len(_BEARER) :].decode("latin-1").strip() or None
    return None


class McpGate:
    """Admit a request to ``/mcp`` (binding its caller) or answer it with a problem."""

    def __init__(self, kernel: Kernel) -> None:
        self.kernel = kernel

    async def admit(self, scope: Scope, receive: Receive, send: Send) -> bool:
        """Bind the caller of the request and answer ``True``, or send the refusal."""
        slug = _tenant_slug(scope)
        try:
            principal = await self._principal(scope, slug)
        except AuthError as exc:
            await self._refuse(scope, receive, send, exc, slug)
            return False
        bind_caller(scope, caller=principal, tenant_id=principal.tenant_id)
        return True

    async def _principal(self, scope: Scope, slug: str | None) -> Principal:
        authenticator = self.kernel.authenticator
        token = _bearer(scope)
        if token is None:
            raise AuthError(401, "unauthorized", "send Authorization: Bearer <token>")
        tenant = None
        if slug is not None:
            tenant = await authenticator.tenant(slug)
            if tenant is None or tenant.status != "active":
                raise AuthError(404, "not-found", None)
        principal = authenticator.remembered(token)
        if principal is None and tenant is not None:
            principal = await oauth_principal(self.kernel, tenant.id, token)
        if principal is None:
            principal = await authenticator.authenticate(token, address=client_address(scope))
        if principal.tenant_id is None:
            raise AuthError(403, "tenant-required", "MCP acts in a tenant: use a tenant's key")
        if tenant is not None and principal.tenant_id != tenant.id:
            raise AuthError(401, "unauthorized", "the credential is not for this tenant")
        return principal

    async def _refuse(
        self, scope: Scope, receive: Receive, send: Send, exc: AuthError, slug: str | None
    ) -> None:
        request: Request[Any, Any, Any] = Request(scope, receive, send)
        headers = {}
        if exc.status == 401:  # noqa: PLR2004 - the challenge goes with 401 only
            resource = f"{MCP_PATH}/{slug}" if slug else MCP_PATH
            url = f"{_base(self.kernel, scope)}{METADATA_PATH}{resource}"
            headers["WWW-Authenticate"] = f'Bearer resource_metadata="{url}"'
        if exc.retry_after is not None:
            headers["Retry-After"] = str(exc.retry_after)
        response = problem_response(request, status=exc.status, detail=exc.detail, headers=headers)
        await response.to_asgi_response(app=None, request=request)(scope, receive, send)


def _metadata(base: str, resource: str, issuer: str | None) -> dict[str, Any]:
    return {
        "resource": f"{base}{resource}",
        "authorization_servers": [issuer] if issuer else [],
        "scopes_supported": [MCP_SCOPE],
        "bearer_methods_supported": ["header"],
        "resource_name": "Nexus MCP",
    }


@get(f"{METADATA_PATH}{MCP_PATH}", opt=_OPEN, include_in_schema=False, sync_to_thread=False)
def shared_metadata(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """``/mcp``'s metadata: no authorization server (each tenant's is at its own path)."""
    return _metadata(_base(kernel_of(request.app), request.scope), MCP_PATH, None)


@get(
    f"{METADATA_PATH}{MCP_PATH}/{{tenant:str}}",
    opt=_VISITOR,
    include_in_schema=False,
    sync_to_thread=False,
)
def tenant_metadata(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The Protected Resource Metadata of ``/mcp/<tenant>``: the tenant's issuer (404 if none)."""
    required_tenant(request)  # the gate admitted an active tenant by this slug
    tenant = str(request.path_params["tenant"])
    base = _base(kernel_of(request.app), request.scope)
    return _metadata(base, f"{MCP_PATH}/{tenant}", f"{base}{_ISSUER_PATH}/{tenant}")


metadata_routes = [shared_metadata, tenant_metadata]
