"""Request id middleware and the ``context`` port handed to handlers."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import structlog
import uuid_utils
from litestar.enums import ScopeType

from nexus.http._request import request_actor, request_tenant
from nexus.observability import bind_request, reset_request

if TYPE_CHECKING:
    from collections.abc import Awaitable, Iterable
    from uuid import UUID

    from litestar.connection import ASGIConnection
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

    from nexus.observability import RequestMetrics

__all__ = ("SECURITY_HEADERS", "KernelContext", "provide_context", "request_id_middleware")

log = structlog.get_logger("nexus.http")

_REQUEST_ID_HEADER = b"x-request-id"
_VALID_REQUEST_ID = re.compile(rb"^[A-Za-z0-9._:-]{1,128}$")
# On every response, unless the handler set its own value.
SECURITY_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
)
# API responses are per caller and per moment: no cache may keep them.
_API_HEADERS = (*SECURITY_HEADERS, (b"cache-control", b"no-store"))
_API_PREFIX = "/api/"


class KernelContext:
    """The kernel's :class:`nexus_hookspecs.RequestContext`."""

    __slots__ = ("actor", "plugin", "request_id", "tenant_id")

    def __init__(
        self,
        *,
        request_id: str,
        tenant_id: UUID | None = None,
        actor: str | None = None,
        plugin: str | None = None,
    ) -> None:
        self.request_id = request_id
        self.tenant_id = tenant_id
        self.actor = actor
        self.plugin = plugin


def provide_context(request: ASGIConnection[Any, Any, Any, Any]) -> KernelContext:
    """Build the ``context`` dependency for the current request."""
    return KernelContext(
        request_id=request.scope["state"].get("request_id", ""),
        tenant_id=request_tenant(request),
        actor=request_actor(request),
        plugin=request.route_handler.opt.get("nexus_plugin"),
    )


def request_id_middleware(*, access_log: bool, metrics: RequestMetrics | None = None) -> Any:
    """Return ASGI middleware that gives each request an id, logs, measures and echoes it.

    An incoming ``X-Request-ID`` is kept when it is short and plain; otherwise a new
    time-ordered id is made. The id is in every log line of the request (through
    :func:`nexus.observability.bind_request`). Every response also gets
    :data:`SECURITY_HEADERS`, and those under ``/api/`` also ``Cache-Control: no-store``,
    unless the handler set its own. Each answered request is reported to ``metrics`` (this
    middleware already sees its status and time, so metrics add no layer). A WebSocket
    connection gets an id for its log lines too.
    """

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] == ScopeType.WEBSOCKET:
                await _with_socket_id(app, scope, receive, send)
                return
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            request_id = _incoming_request_id(scope) or str(uuid_utils.uuid7())
            scope.setdefault("state", {})["request_id"] = request_id
            extra = _API_HEADERS if scope["path"].startswith(_API_PREFIX) else SECURITY_HEADERS
            status = 500

            def send_with_id(message: Message) -> Awaitable[None]:
                # Returns send's awaitable: no coroutine of its own for each message.
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    message["headers"] = _with_headers(
                        message.get("headers"), extra, (_REQUEST_ID_HEADER, request_id.encode())
                    )
                return send(message)

            token = bind_request(request_id)
            if metrics is not None:
                metrics.begin()
            started = time.perf_counter()
            try:
                await app(scope, receive, send_with_id)
            finally:
                seconds = time.perf_counter() - started
                if metrics is not None:
                    metrics.end(scope, status=status, seconds=seconds)
                if access_log:
                    log.info(
                        "request",
                        method=scope.get("method"),
                        path=scope["path"],
                        status=status,
                        ms=round(seconds * 1000, 3),
                    )
                reset_request(token)

        return middleware

    return factory


async def _with_socket_id(app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
    """Give a WebSocket connection a request id for its log lines (it has no response headers)."""
    request_id = _incoming_request_id(scope) or str(uuid_utils.uuid7())
    scope.setdefault("state", {})["request_id"] = request_id
    token = bind_request(request_id)
    try:
        await app(scope, receive, send)
    finally:
        reset_request(token)


def _with_headers(
    headers: Iterable[tuple[bytes, bytes]] | None,
    extra: tuple[tuple[bytes, bytes], ...],
    request_id: tuple[bytes, bytes],
) -> list[tuple[bytes, bytes]]:
    """``headers`` plus those of ``extra`` it lacks, plus the request id."""
    result = list(headers) if headers else []
    present = {name.lower() for name, _ in result}
    result.extend(header for header in extra if header[0] not in present)
    result.append(request_id)
    return result


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_HEADER:
            return value.decode() if _VALID_REQUEST_ID.match(value) else None
    return None
