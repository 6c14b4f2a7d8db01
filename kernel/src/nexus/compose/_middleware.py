"""Middleware: the route middleware in order, and the ASGI layers around the whole app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.http import (
    IdempotencyMiddleware,
    RateLimitMiddleware,
    TenantPlan,
    correct_allow_header,
    request_id_middleware,
    request_limits,
)
from nexus.identity import AuthGate
from nexus.observability import RequestMetrics
from nexus.plans import API_CALLS

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

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
        RateLimitMiddleware(
            kernel.rate_limits,
            plan_of=_plan_of(kernel),
            plan_now=_plan_now(kernel),
            counted=_api_call_counter(kernel),
        ),
        IdempotencyMiddleware(
            kernel.database,
            ttl_s=settings.idempotency_ttl_s,
            lease_s=settings.idempotency_lease_s,
            max_response_bytes=settings.max_body_bytes,
        ),
    ]


def _plan_of(kernel: Kernel) -> Callable[[UUID], Awaitable[TenantPlan | None]]:
    """The tenant's plan, from the tenants the authenticator remembers (no query per request)."""
    tenant_of, plans = kernel.authenticator.tenant, kernel.plans

    async def plan_of(tenant_id: UUID) -> TenantPlan | None:
        record = await tenant_of(str(tenant_id))
        return None if record is None else TenantPlan(record.plan, plans.api_rate(record.plan))

    return plan_of


def _plan_now(kernel: Kernel) -> Callable[[UUID], TenantPlan | None]:
    """The tenant's plan if the authenticator remembers the tenant, without awaiting."""
    remembered, plans = kernel.authenticator.remembered_tenant, kernel.plans

    def plan_now(tenant_id: UUID) -> TenantPlan | None:
        record = remembered(str(tenant_id))
        return None if record is None else TenantPlan(record.plan, plans.api_rate(record.plan))

    return plan_now


def _api_call_counter(kernel: Kernel) -> Callable[[UUID], None]:
    count = kernel.plans.meter.count

    def counted(tenant_id: UUID) -> None:
        count(tenant_id, API_CALLS)

    return counted


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
