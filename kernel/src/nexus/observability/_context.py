"""What every log line of a request carries: its id, tenant and plugin.

One context variable holds a small mutable record per request. The request-id middleware
sets it once; the auth gate fills in the tenant and plugin on the same record; a structlog
processor reads it when (and only when) a line is logged. Binding through
``structlog.contextvars`` instead would cost a context variable per key and a copy of the
whole context per request, on every request, logged or not.
"""

from __future__ import annotations

from contextvars import ContextVar, Token
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import MutableMapping

__all__ = (
    "RequestLogContext",
    "add_request_context",
    "bind_request",
    "current_request",
    "reset_request",
)


class RequestLogContext:
    """The request fields of log lines; ``None`` fields are left out of them."""

    __slots__ = ("plugin", "request_id", "tenant_id")

    def __init__(self, request_id: str) -> None:
        self.request_id = request_id
        self.tenant_id: object | None = None
        self.plugin: str | None = None


_current: ContextVar[RequestLogContext | None] = ContextVar("nexus_request_log", default=None)


def bind_request(request_id: str) -> Token[RequestLogContext | None]:
    """Start the log context of a request; pass the token to :func:`reset_request`."""
    return _current.set(RequestLogContext(request_id))


def reset_request(token: Token[RequestLogContext | None]) -> None:
    """End the log context :func:`bind_request` started."""
    _current.reset(token)


def current_request() -> RequestLogContext | None:
    """The log context of the request being handled, if any."""
    return _current.get()


def add_request_context(
    logger: Any, method_name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    """Structlog processor: add ``request_id``, ``tenant_id`` and ``plugin`` of the request.

    Values the log call passes itself win.
    """
    context = _current.get()
    if context is not None:
        event_dict.setdefault("request_id", context.request_id)
        if context.tenant_id is not None:
            event_dict.setdefault("tenant_id", str(context.tenant_id))
        if context.plugin is not None:
            event_dict.setdefault("plugin", context.plugin)
    return event_dict
