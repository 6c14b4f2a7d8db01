"""The gate every route passes: authentication, tenant context, permission.

Routes say who may call them through their ``opt``:

- ``nexus_access``: ``"public"`` (no credentials), ``"visitor"`` (no credentials, acting in
  the active tenant whose slug the path's ``tenant`` parameter names), ``"authenticated"``
  (any principal), ``"platform"`` (platform admins) or ``"tenant"`` (the default: a
  principal acting in a tenant — its own, or for platform admins the one named in
  ``X-Nexus-Tenant``);
- ``permission``: a permission the principal must hold (``crm.deals:write``).

Credentials come as ``Authorization: Bearer <token>`` (a JWT or an API key), or as HTTP
Basic with the token as the password (the user name is not read), for clients that speak
only Basic: desktop WebDAV clients mounting a drive. A 401 to a WebDAV method (``PROPFIND``
and the like) challenges for Basic too, so those clients ask their user; other 401s only for
Bearer, so a browser never pops up a password dialog over the web apps.

WebSocket routes (a plugin's ``@websocket`` handlers, contract 0.1.5) pass the same gate on
their handshake. A browser's ``WebSocket`` cannot set headers, so there the token may also
come as the ``access_token`` query parameter (``wss://…/ws?access_token=<token>``; the
``Authorization`` header wins when both are sent). A refused handshake is closed before it
is accepted, with the close code ``4000 + status`` (4401 unauthorized, 4403 forbidden, 4404
no such route or switched off, 4429 throttled) and the problem's detail as the reason.

A plugin route (``nexus_plugin``) is admitted only while the plugin (and the route's
``feature``) is on for the tenant, and only after the plugin's first enablement has run for
the tenant: the first request of a plugin never enabled runs its enable hook first. The
snapshot it was admitted with stays in the request's state (``settings`` reads it).
"""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING, Any

from litestar.enums import ScopeType

from nexus.features import bind_tenant_features
from nexus.http import (
    PROBLEM_TYPES,
    VISITOR_TENANT_PARAM,
    bind_caller,
    bind_visitor,
    problem_response,
)
from nexus.identity._authenticate import AuthError
from nexus.identity._sockets import refuse_socket, socket_token
from nexus.observability import current_request

if TYPE_CHECKING:
    from collections.abc import Awaitable, Container, Mapping

    from litestar import Request
    from litestar.types import ASGIApp, Receive, Scope, Send

    from nexus.features import Toggles
    from nexus.identity._authenticate import Authenticator

__all__ = ("TENANT_HEADER", "AuthGate", "client_address")


TENANT_HEADER = "x-nexus-tenant"
_TENANT_HEADER = TENANT_HEADER.encode()
_BEARER = b"bearer "
_BASIC = b"basic "
# Methods only WebDAV clients send: their 401 also challenges for Basic credentials.
_DAV_METHODS = frozenset(("PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK"))


def _is_documentation(scope: Scope) -> bool:
    return scope["path"].startswith("/schema")


def _credentials(scope: Scope) -> tuple[str, bytes | None]:
    """The bearer token and the ``X-Nexus-Tenant`` value of a request, in one pass.

    A repeated header counts with its last value. A WebSocket handshake without an
    ``Authorization`` header may carry the token as its ``access_token`` query parameter.

    Raises:
        AuthError: 401 without ``Authorization: Bearer <token>`` (or the query parameter).
    """
    authorization = named = None
    for name, value in scope["headers"]:
        if name == b"authorization":
            authorization = value
        elif name == _TENANT_HEADER:
            named = value
    if authorization is not None:
        scheme = authorization[: len(_BEARER)].lower()
        if scheme == _BEARER:
            return authorization[len(_BEARER) :].decode("latin-1").strip(), named
        if scheme[: len(_BASIC)] == _BASIC:
            return _basic_password(authorization[len(_BASIC) :]), named
    elif scope["type"] == ScopeType.WEBSOCKET and (token := socket_token(scope)):
        return token, named
    raise AuthError(401, "unauthorized", "send Authorization: Bearer <token>")


def _basic_password(encoded: bytes) -> str:
    """The password of HTTP Basic credentials (RFC 7617): the token; the user is not read."""
    try:
        _, separator, password = base64.b64decode(encoded.strip(), validate=True).partition(b":")
    except ValueError:
        raise AuthError(401, "unauthorized", "malformed Basic credentials") from None
    if not separator or not password:
        raise AuthError(401, "unauthorized", "send the API key or token as the Basic password")
    return password.decode("utf-8", "replace")


def client_address(scope: Scope) -> str:
    """The client's address as the server saw it.

    Behind a proxy, it is what the server was told (uvicorn's ``--proxy-headers``).
    """
    client = scope.get("client")
    return str(client[0]) if client else "unknown"


def _switched_on(enabled: Container[str], plugin: str | None, feature: str | None) -> bool:
    return (plugin is None or plugin in enabled) and (feature is None or feature in enabled)


class AuthGate:
    """Authenticate, set the tenant context and check the route's permission.

    Route middleware: Litestar wraps each route's app with it once, at start-up.
    """

    def __init__(
        self,
        authenticator: Authenticator,
        member_permissions: frozenset[str],
        toggles: Toggles,
    ) -> None:
        self.authenticator = authenticator
        self.member_permissions = member_permissions
        self.toggles = toggles

    def __call__(self, app: ASGIApp) -> ASGIApp:
        """Wrap one route's ASGI app (Litestar calls this once per route handler)."""
        handle = self.handle

        def gate(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
            # The API documentation is public; everything else says what it needs in its opt.
            # (Returning the awaitable spares a coroutine per request.)
            if _is_documentation(scope):
                return app(scope, receive, send)
            return handle(scope, receive, send, app)

        return gate

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Admit the request or answer with a problem."""
        opt = scope["route_handler"].opt
        log_context = current_request()
        if log_context is not None:
            log_context.plugin = opt.get("nexus_plugin")
        access = opt.get("nexus_access", "tenant")
        if access == "public":
            await next_app(scope, receive, send)
            return
        try:
            if access == "visitor":
                tenant_id = await self._admit_visitor(scope, opt)
            else:
                tenant_id = await self._admit(scope, access, opt)
        except AuthError as exc:
            await self._refuse(scope, receive, send, exc)
            return
        if log_context is not None:
            log_context.tenant_id = tenant_id
        await next_app(scope, receive, send)

    async def _admit(self, scope: Scope, access: str, opt: Mapping[str, Any]) -> Any:
        permission = opt.get("permission")
        token, named = _credentials(scope)
        authenticator = self.authenticator
        principal = authenticator.remembered(token) or await authenticator.authenticate(
            token, address=client_address(scope)
        )
        tenant_id = principal.tenant_id
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
        plugin, feature = opt.get("nexus_plugin"), opt.get("feature")
        held = None
        if tenant_id is not None and (plugin is not None or feature is not None):
            held = await self._switched_on(tenant_id, plugin, feature)
        if permission and not principal.may(permission, self.member_permissions):
            raise AuthError(403, "forbidden", f"requires the permission {permission}")
        if held is not None and tenant_id is not None and plugin is not None:
            await self._bind_features(scope, tenant_id, plugin, held)
        bind_caller(scope, caller=principal, tenant_id=tenant_id)
        return tenant_id

    async def _admit_visitor(self, scope: Scope, opt: Mapping[str, Any]) -> Any:
        """Admit anyone to a visitor route, acting in the active tenant its path names."""
        # The route checks (nexus.plugins) refuse a visitor route without this parameter.
        slug = str(scope["path_params"][VISITOR_TENANT_PARAM])
        tenant = await self.authenticator.tenant(slug)
        if tenant is None or tenant.status != "active":
            raise AuthError(404, "not-found", None)
        plugin = opt.get("nexus_plugin")
        held = await self._switched_on(tenant.id, plugin, opt.get("feature"))
        if plugin is not None:
            await self._bind_features(scope, tenant.id, plugin, held)
        bind_visitor(scope, tenant_id=tenant.id)
        return tenant.id

    async def _switched_on(self, tenant_id: Any, plugin: str | None, feature: str | None) -> Any:
        """The tenant's features, when ``plugin`` and ``feature`` are on for it.

        Raises:
            AuthError: 404 when either is off: a switched-off route looks like no route.
        """
        held = self.toggles.cached(tenant_id) or await self.toggles.features(tenant_id)
        if not _switched_on(held.enabled, plugin, feature):
            raise AuthError(404, "not-found", None)
        return held

    async def _bind_features(self, scope: Scope, tenant_id: Any, plugin: str, held: Any) -> None:
        if plugin not in held.seeded:  # once per (tenant, plugin): its enable hook first
            held = await self.toggles.ensure_enabled(tenant_id, plugin)
        bind_tenant_features(scope, held)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send, exc: AuthError) -> None:
        if scope["type"] == ScopeType.WEBSOCKET:
            await refuse_socket(send, exc.status, exc.detail)
            return
        from litestar import Request  # noqa: PLC0415 - only on the refusal path

        request: Request[Any, Any, Any] = Request(scope, receive, send)
        headers = None
        if exc.status == 401:
            dav = scope.get("method") in _DAV_METHODS
            headers = {"WWW-Authenticate": 'Bearer, Basic realm="Nexus"' if dav else "Bearer"}
        if exc.retry_after is not None:
            headers = {"Retry-After": str(exc.retry_after)}
        response = problem_response(
            request,
            status=exc.status,
            detail=exc.detail,
            problem_type=PROBLEM_TYPES.get(exc.slug),
            headers=headers,
        )
        await response.to_asgi_response(app=None, request=request)(scope, receive, send)
