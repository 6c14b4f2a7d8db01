"""Request id middleware and the ``context`` port handed to handlers."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import structlog
import uuid_utils
from litestar.enums import ScopeType

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Request
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

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


def provide_context(request: Request[Any, Any, Any]) -> KernelContext:
    """Build the ``context`` dependency for the current request."""
    state = request.scope["state"]
    return KernelContext(
        request_id=state.get("request_id", ""),
        tenant_id=state.get("tenant_id"),
        actor=state.get("actor"),
        plugin=request.route_handler.opt.get("nexus_plugin"),
    )


def request_id_middleware(*, access_log: bool) -> Any:
    """Return ASGI middleware that gives each request an id, logs and echoes it.

    An incoming ``X-Request-ID`` is kept when it is short and plain; otherwise a new
    time-ordered id is made. The id is bound into every log line of the request. Every
    response also gets :data:`SECURITY_HEADERS`, and those under ``/api/`` also
    ``Cache-Control: no-store``, unless the handler set its own.
    """

    def factory(app: ASGIApp) -> ASGIApp:
        async def middleware(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != ScopeType.HTTP:
                await app(scope, receive, send)
                return
            request_id = _incoming_request_id(scope) or str(uuid_utils.uuid7())
            scope.setdefault("state", {})["request_id"] = request_id
            raw_id = request_id.encode()
            extra = _API_HEADERS if scope["path"].startswith(_API_PREFIX) else SECURITY_HEADERS
            status = 500

            async def send_with_id(message: Message) -> None:
                nonlocal status
                if message["type"] == "http.response.start":
                    status = message["status"]
                    headers = list(message.get("headers", ()))
                    present = {name.lower() for name, _ in headers}
                    headers.extend(header for header in extra if header[0] not in present)
                    headers.append((_REQUEST_ID_HEADER, raw_id))
                    message["headers"] = headers
                await send(message)

            tokens = structlog.contextvars.bind_contextvars(request_id=request_id)
            started = time.perf_counter()
            try:
                await app(scope, receive, send_with_id)
            finally:
                if access_log:
                    log.info(
                        "request",
                        method=scope.get("method"),
                        path=scope["path"],
                        status=status,
                        ms=round((time.perf_counter() - started) * 1000, 3),
                    )
                structlog.contextvars.reset_contextvars(**tokens)

        return middleware

    return factory


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _REQUEST_ID_HEADER:
            return value.decode() if _VALID_REQUEST_ID.match(value) else None
    return None
