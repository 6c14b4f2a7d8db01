"""Middleware: the route middleware in order, and the ASGI layers around the whole app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.http import (
    IdempotencyMiddleware,
    RateLimitMiddleware,
    correct_allow_header,
    request_id_middleware,
    request_limits,
)
from nexus.identity import AuthGate
from nexus.observability import RequestMetrics

if TYPE_CHECKING:
    from litestar import Litestar
    from litestar.types import ASGIApp, Middleware

    from nexus.services import Kernel

__all__ = ("kernel_middleware", "outer_layers")


def kernel_middleware(kernel: Kernel) -> list[Middleware]:
    """Route middleware, outermost first: limits and idempotency need the principal."""
    settings = kernel.settings
    return [
        AuthGate(
            kernel.authenticator, kernel.registry.permissions("member"), kernel.features.toggles
        ),
        RateLimitMiddleware(kernel.rate_limits),
        IdempotencyMiddleware(
            kernel.database,
            ttl_s=settings.idempotency_ttl_s,
            lease_s=settings.idempotency_lease_s,
            max_response_bytes=settings.max_body_bytes,
        ),
    ]


def outer_layers(app: Litestar, kernel: Kernel) -> ASGIApp:
    """Request ids, access log and metrics around Litestar's own exception handling.

    Outermost, so unknown routes (404, 405) get a request id too: route middleware only
    wraps matched routes. Inside them, before Litestar parses anything, the header size
    limits and the query's NUL check (``nexus.http.request_limits``).
    """
    request_ids = request_id_middleware(
        access_log=kernel.settings.access_log, metrics=RequestMetrics()
    )
    limited = request_limits(
        correct_allow_header(app, app.asgi_handler),
        max_header_bytes=kernel.settings.max_header_bytes,
    )
    return request_ids(limited)  # type: ignore[no-any-return]
