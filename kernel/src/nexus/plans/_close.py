"""Usage across tenants: the operator's report of a period, and closing a period."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from nexus.events import KERNEL_SOURCE, OutboxPublisher
from nexus.plans._events import USAGE_PERIOD_CLOSED, UsagePeriodClosed
from nexus.plans._meter import period_of
from nexus.plans._usage import Usage, usage_of

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase

__all__ = ("TenantUsage", "close_period", "usage_report")


class TenantUsage(msgspec.Struct, frozen=True, kw_only=True):
    """One tenant's usage in a period, as the operator's report lists it."""

    tenant_id: UUID
    slug: str
    plan: str
    period: str
    api_calls: int
    ai_tokens: int
    events: int
    seats: int
    closed: bool


async def _tenants(database: PostgresDatabase) -> list[tuple[UUID, str, str]]:
    async with database.transaction() as conn:
        rows = await conn.fetch(
            "select id, slug, plan from nexus_tenant "
            "where status in ('active', 'suspended') order by slug"
        )
    return [(row["id"], row["slug"], row["plan"]) for row in rows]


async def usage_report(database: PostgresDatabase, period: str) -> list[TenantUsage]:
    """Every active or suspended tenant's usage in ``period``, by slug.

    A closed period answers the figures it was closed with.
    """
    report = []
    for tenant_id, slug, plan in await _tenants(database):
        async with database.transaction(tenant_id=tenant_id) as conn:
            closed = await conn.fetchval(
                "select usage from nexus_usage_period where tenant_id = $1 and period = $2",
                tenant_id,
                period,
            )
            usage = (
                msgspec.json.decode(closed, type=Usage)
                if closed is not None
                else await usage_of(conn, tenant_id, period)
            )
        figures = msgspec.structs.asdict(usage)
        report.append(TenantUsage(**figures, slug=slug, plan=plan, closed=closed is not None))
    return report


async def close_period(database: PostgresDatabase, period: str) -> list[TenantUsage]:
    """Close ``period`` for every tenant not closed yet; return the tenants closed now.

    Each tenant's figures are kept (``nexus_usage_period``) and published as
    ``nexus.usage.period_closed.v1`` in the same transaction, so a second close changes
    nothing and publishes nothing.

    Raises:
        ValueError: ``period`` has not ended yet.
    """
    if period >= period_of(datetime.now(UTC)):
        raise ValueError(f"the period {period} has not ended yet")
    closed = []
    for tenant_id, slug, plan in await _tenants(database):
        async with database.transaction(tenant_id=tenant_id) as conn:
            usage = await usage_of(conn, tenant_id, period)
            inserted = await conn.fetchval(
                "insert into nexus_usage_period (tenant_id, period, usage) "
                "values ($1, $2, $3::jsonb) on conflict do nothing returning true",
                tenant_id,
                period,
                msgspec.json.encode(usage).decode(),
            )
            if not inserted:
                continue
            figures = msgspec.structs.asdict(usage)
            del figures["tenant_id"]
            await OutboxPublisher(tenant_id=tenant_id, plugin=KERNEL_SOURCE).publish(
                conn,
                type=USAGE_PERIOD_CLOSED,
                data=UsagePeriodClosed(**figures, plan=plan),
                subject=period,
            )
        closed.append(
            TenantUsage(**msgspec.structs.asdict(usage), slug=slug, plan=plan, closed=True)
        )
    return closed
