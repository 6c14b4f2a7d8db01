"""The gate's WebSocket parts: the browser's token in the query, the refusing close code."""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

if TYPE_CHECKING:
    from litestar.types import Scope, Send

__all__ = ("ACCESS_TOKEN_PARAM", "refuse_socket", "socket_token")

ACCESS_TOKEN_PARAM = "access_token"
"""The query parameter a browser's WebSocket sends its token in (it cannot set headers)."""

# A close frame's reason is at most 123 bytes (RFC 6455, 5.5: 125 less the code's two).
_MAX_REASON = 123


def socket_token(scope: Scope) -> str | None:
    """The ``access_token`` query parameter of a WebSocket handshake, if any (the last one)."""
    query = scope.get("query_string", b"")
    if not query or ACCESS_TOKEN_PARAM.encode() not in query:
        return None
    token = None
    for name, value in parse_qsl(query.decode("latin-1")):
        if name == ACCESS_TOKEN_PARAM:
            token = value.strip()
    return token or None


def close_code(status: int) -> int:
    """The private close code (RFC 6455, 7.4.2) for a refusal with an HTTP ``status``: 4xxx."""
    return 4000 + status if 400 <= status < 1000 else 1008  # 1008: policy violation


async def refuse_socket(send: Send, status: int, detail: str | None) -> None:
    """Close a WebSocket handshake before accepting it, saying why in the code and reason.

    The reason is the problem's detail (or the status's phrase), cut to what a close frame
    holds. ASGI servers answer a close before the accept with an HTTP 403 to the handshake;
    test clients and those that support it see the code itself.
    """
    reason = detail or HTTPStatus(status).phrase
    encoded = reason.encode()[:_MAX_REASON].decode("utf-8", "ignore")
    await send({"type": "websocket.close", "code": close_code(status), "reason": encoded})
