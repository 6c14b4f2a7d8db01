"""The gate every route passes: authentication, tenant context, permission.

Routes say who may call them through their ``opt``:

- ``nexus_access``: ``"public"`` (no credentials), ``"authenticated"`` (any principal),
  ``"platform"`` (platform admins) or ``"tenant"`` (the default: a principal acting in a
  tenant — its own, or for platform admins the one named in ``X-Nexus-Tenant``);
- ``permission``: a permission the principal must hold (``crm.deals:write``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from litestar.middleware import ASGIMiddleware

from nexus.http._problems import PROBLEM_TYPES, problem_response
from nexus.identity._authenticate import AuthError

if TYPE_CHECKING:
    from collections.abc import Mapping

    from litestar import Request
    from litestar.types import ASGIApp, Receive, Scope, Send

    from nexus.features import Toggles
    from nexus.identity._authenticate import Authenticator

__all__ = ("TENANT_HEADER", "AuthGate")


def _is_documentation(scope: Scope) -> bool:
    return scope["path"].startswith("/schema")


TENANT_HEADER = "x-nexus-tenant"
_BEARER = "bearer "


class AuthGate(ASGIMiddleware):
    """Authenticate, set the tenant context and check the route's permission."""

    def __init__(
        self,
        authenticator: Authenticator,
        member_permissions: frozenset[str],
        toggles: Toggles,
    ) -> None:
        self.authenticator = authenticator
        self.member_permissions = member_permissions
        self.toggles = toggles
        # The API documentation is public; everything else says what it needs in its opt.
        self.should_bypass_for_scope = _is_documentation

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Admit the request or answer with a problem."""
        opt = scope["route_handler"].opt
        access = opt.get("nexus_access", "tenant")
        if access == "public":
            await next_app(scope, receive, send)
            return
        try:
            tenant_id = await self._admit(scope, access, opt)
        except AuthError as exc:
            await self._refuse(scope, receive, send, exc)
            return
        structlog.contextvars.bind_contextvars(tenant_id=str(tenant_id) if tenant_id else None)
        await next_app(scope, receive, send)

    async def _admit(self, scope: Scope, access: str, opt: Mapping[str, Any]) -> Any:
        permission = opt.get("permission")
        headers = dict(scope["headers"])
        authorization = headers.get(b"authorization", b"").decode("latin-1")
        if not authorization.lower().startswith(_BEARER):
            raise AuthError(401, "unauthorized", "send Authorization: Bearer <token>")
        principal = await self.authenticator.authenticate(authorization[len(_BEARER) :].strip())
        tenant_id = principal.tenant_id
        named = headers.get(TENANT_HEADER.encode())
        if named is not None:
            if not principal.is_platform_admin:
                raise AuthError(403, "forbidden", f"only platform admins may send {TENANT_HEADER}")
            tenant = await self.authenticator.tenant(named.decode("latin-1"))
            if tenant is None or tenant.status == "deprovisioned":
                raise AuthError(404, "not-found", "no such tenant")
            tenant_id = tenant.id
        if access == "platform" and not principal.is_platform_admin:
            raise AuthError(403, "forbidden", "platform admins only")
        if access == "tenant" and tenant_id is None:
            raise AuthError(
                403, "tenant-required", f"name the tenant to act in with {TENANT_HEADER}"
            )
        if tenant_id is not None and not await self._switched_on(tenant_id, opt):
            # A plugin or feature switched off for this tenant looks exactly like no route.
            raise AuthError(404, "not-found", None)
        if permission and not principal.may(permission, self.member_permissions):
            raise AuthError(403, "forbidden", f"requires the permission {permission}")
        state = scope["state"]
        state["principal"] = principal
        state["tenant_id"] = tenant_id
        state["actor"] = principal.actor
        return tenant_id

    async def _switched_on(self, tenant_id: Any, opt: Mapping[str, Any]) -> bool:
        plugin = opt.get("nexus_plugin")
        feature = opt.get("feature")
        if plugin is None and feature is None:
            return True
        held = self.toggles.cached(tenant_id) or await self.toggles.features(tenant_id)
        return (plugin is None or plugin in held.enabled) and (
            feature is None or feature in held.enabled
        )

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, exc: AuthError) -> None:
        from litestar import Request  # noqa: PLC0415 - only on the refusal path

        request: Request[Any, Any, Any] = Request(scope, receive, send)
        headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
        response = problem_response(
            request,
            status=exc.status,
            detail=exc.detail,
            problem_type=PROBLEM_TYPES.get(exc.slug),
            headers=headers,
        )
        await response.to_asgi_response(app=None, request=request)(scope, receive, send)
