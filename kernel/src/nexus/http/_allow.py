"""A correct ``Allow`` header on automatic OPTIONS responses.

Litestar builds the OPTIONS handler of a path when the path's first handler is registered;
when a controller adds a second method to the same path later, that handler keeps listing
the first method only. This wrapper answers with every method the route really has.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from litestar.enums import ScopeType
from litestar.routes import HTTPRoute

if TYPE_CHECKING:
    from collections.abc import Awaitable

    from litestar import Litestar
    from litestar.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ("correct_allow_header",)


def correct_allow_header(app: Litestar, asgi_app: ASGIApp) -> ASGIApp:
    """Wrap ``asgi_app`` so OPTIONS responses list every method of the matched route."""
    allowed: dict[str, bytes] = {}

    def methods_of(template: str) -> bytes | None:
        if not allowed:
            for route in app.routes:
                if isinstance(route, HTTPRoute):
                    allowed[route.path_format] = ", ".join(sorted(route.methods)).encode()
        return allowed.get(template)

    def wrapper(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        # Returning the app's awaitable spares every other request a coroutine of this layer.
        if scope["type"] != ScopeType.HTTP or scope.get("method") != "OPTIONS":
            return asgi_app(scope, receive, send)

        async def send_allow(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 204:
                methods = methods_of(scope.get("path_template", ""))
                if methods is not None:
                    headers = [(k, v) for k, v in message.get("headers", ()) if k != b"allow"]
                    message["headers"] = [*headers, (b"allow", methods)]
            await send(message)

        return asgi_app(scope, receive, send_allow)

    return wrapper
