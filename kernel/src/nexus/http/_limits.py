"""Refusals before anything parses the request: header sizes (431), NUL in the query (422).

An 8 MB ``Authorization`` header would otherwise reach the gate and the JWT library, and a
NUL in a query parameter reaches PostgreSQL, which refuses it only once a streamed answer
has sent its 200. Both are checked here, around the whole app, on the raw ASGI scope.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl

from litestar.enums import ScopeType

from nexus.http._problems import PROBLEM_TYPES, send_problem

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from litestar.types import ASGIApp, Receive, Scope, Send

__all__ = ("TOTAL_HEADERS_FACTOR", "request_limits")

TOTAL_HEADERS_FACTOR = 4
"""All headers together may take this many times the limit of one."""

_NUL = (b"%00", b"\x00")


def request_limits(app: ASGIApp, *, max_header_bytes: int) -> ASGIApp:
    """Wrap ``app``: 431 past the header limits, 422 for a NUL in the query string.

    Args:
        app: The app (Litestar's ASGI handler, or a layer around it).
        max_header_bytes: Longest header, name and value (``NEXUS_MAX_HEADER_BYTES``); all
            of them together may take :data:`TOTAL_HEADERS_FACTOR` times this.
    """
    total_limit = max_header_bytes * TOTAL_HEADERS_FACTOR

    def limits(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Returning the app's awaitable spares a coroutine per request on the usual path.
        if scope["type"] != ScopeType.HTTP:
            return app(scope, receive, send)
        total = 0
        for name, value in scope["headers"]:
            size = len(name) + len(value)
            total += size
            if size > max_header_bytes or total > total_limit:
                return send_problem(
                    scope,
                    receive,
                    send,
                    status=431,
                    detail=f"a header is longer than {max_header_bytes} bytes, or all of "
                    f"them are longer than {total_limit}",
                    problem_type=PROBLEM_TYPES["request-header-fields-too-large"],
                )
        query: bytes = scope.get("query_string", b"")
        if query and any(nul in query for nul in _NUL):
            return send_problem(
                scope,
                receive,
                send,
                status=422,
                detail="a query parameter holds a NUL character",
                problem_type=PROBLEM_TYPES["validation-error"],
                errors=_nul_errors(query),
            )
        return app(scope, receive, send)

    return limits


def _nul_errors(query: bytes) -> list[dict[str, Any]]:
    text = query.decode("latin-1")
    names = {
        name.replace("\x00", "\\0")
        for name, value in parse_qsl(text, keep_blank_values=True, encoding="latin-1")
        if "\x00" in name or "\x00" in value
    }
    return [
        {"key": name, "message": "must not contain a NUL character", "source": "query"}
        for name in sorted(names) or ["$"]
    ]
