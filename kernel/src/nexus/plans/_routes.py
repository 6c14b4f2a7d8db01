"""Plans and usage over HTTP: the catalog, a tenant's plan and usage, the operator's report."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from litestar import Request, get
from litestar.params import QueryParameter

from nexus.http import KernelDb, required_tenant
from nexus.plans._close import TenantUsage, usage_report
from nexus.plans._meter import period_of
from nexus.plans._schema import Plan
from nexus.plans._usage import PERIOD_PATTERN, Usage, usage_of
from nexus.services import kernel_of

if TYPE_CHECKING:
    from nexus.plans._catalog import PlanCatalog

__all__ = ("USAGE_PERMISSION", "PlanUsage", "plan_routes")

USAGE_PERMISSION = "nexus.usage:read"
"""Reading the tenant's plan and usage (tenant admins hold it)."""

Period = Annotated[
    str | None,
    QueryParameter(
        pattern=PERIOD_PATTERN, description="YYYY-MM (UTC); the current month if left out"
    ),
]


class PlanUsage(msgspec.Struct, frozen=True, kw_only=True):
    """A tenant's plan, its limits, and what it used in a period."""

    plan: str
    limits: Plan | None
    usage: Usage


def _catalog(request: Request[Any, Any, Any]) -> PlanCatalog:
    return kernel_of(request.app).plans.catalog


@get(
    "/api/v1/plans",
    tags=["plans"],
    summary="List plans",
    opt={"nexus_access": "public"},
    sync_to_thread=False,
)
def list_plans(request: Request[Any, Any, Any]) -> list[Plan]:
    """Every plan a tenant can be on, with its limits (public: a price list shows them)."""
    return list(_catalog(request))


@get(
    "/api/v1/tenant/usage",
    tags=["plans"],
    summary="Show the tenant's plan and usage",
    opt={"permission": USAGE_PERMISSION},
)
async def tenant_usage(
    request: Request[Any, Any, Any], db: KernelDb, period: Period = None
) -> PlanUsage:
    """The caller's tenant's plan and its usage in ``period`` (the current month by default).

    API calls and AI tokens are counted in each process and written every
    ``NEXUS_USAGE_FLUSH_S`` seconds, so the last seconds' may not show yet.
    """
    tenant_id = required_tenant(request)
    wanted = period or period_of(datetime.now(UTC))
    async with db.transaction() as conn:
        name = await conn.fetchval("select plan from nexus_tenant where id = $1", tenant_id)
        usage = await usage_of(conn, tenant_id, wanted)
    return PlanUsage(plan=name, limits=_catalog(request).get(name), usage=usage)


@get(
    "/api/v1/admin/usage",
    tags=["plans"],
    summary="Report every tenant's usage",
    opt={"nexus_access": "platform"},
)
async def admin_usage(request: Request[Any, Any, Any], period: Period = None) -> list[TenantUsage]:
    """Every active or suspended tenant's usage in ``period``, by slug (platform admins).

    ``nexus usage export`` writes the same as CSV or JSON.
    """
    database = kernel_of(request.app).database
    return await usage_report(database, period or period_of(datetime.now(UTC)))


plan_routes = [list_plans, tenant_usage, admin_usage]
