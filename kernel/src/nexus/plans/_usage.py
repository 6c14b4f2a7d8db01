"""A tenant's usage in a period: metered counters, and gauges read from their own tables."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from msgspec import Meta

from nexus.plans._meter import AI_TOKENS, API_CALLS

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = ("PERIOD_PATTERN", "Usage", "period_bounds", "usage_of")

PERIOD_PATTERN = r"^2[0-9]{3}-(0[1-9]|1[0-2])$"
"""A billing period: a calendar month in UTC, ``YYYY-MM``, of the years 2000 to 2999."""


class Usage(msgspec.Struct, frozen=True, kw_only=True):
    """What one tenant used in one period."""

    tenant_id: UUID
    period: Annotated[str, Meta(description="The calendar month in UTC, YYYY-MM.")]
    api_calls: Annotated[int, Meta(description="Authenticated requests made in the tenant.")]
    ai_tokens: Annotated[int, Meta(description="Language-model tokens, in and out.")]
    events: Annotated[int, Meta(description="Events the tenant's plugins published.")]
    seats: Annotated[int, Meta(description="Users not disabled (now, or at the close).")]


def period_bounds(period: str) -> tuple[datetime, datetime]:
    """The first moment of ``period`` and of the period after it (UTC).

    Raises:
        ValueError: ``period`` is not ``YYYY-MM``.
    """
    start = datetime.strptime(period, "%Y-%m").replace(tzinfo=UTC)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


async def usage_of(conn: Connection, tenant_id: UUID, period: str) -> Usage:
    """The tenant's usage in ``period``, in the connection's transaction.

    Counters not yet flushed by the meter are not in it (at most ``NEXUS_USAGE_FLUSH_S``
    seconds of them).
    """
    start, end = period_bounds(period)
    row = await conn.fetchrow(
        "select "
        "(select coalesce(sum(value) filter (where metric = $3), 0)::bigint from nexus_usage "
        " where tenant_id = $1 and period = $2) as api_calls, "
        "(select coalesce(sum(value) filter (where metric = $4), 0)::bigint from nexus_usage "
        " where tenant_id = $1 and period = $2) as ai_tokens, "
        "(select count(*) from nexus_event_outbox "
        " where tenant_id = $1 and created_at >= $5 and created_at < $6) as events, "
        "(select count(*) from nexus_user where tenant_id = $1 and not disabled) as seats",
        tenant_id,
        period,
        API_CALLS,
        AI_TOKENS,
        start,
        end,
    )
    assert row is not None  # a select of scalars always returns a row
    return Usage(tenant_id=tenant_id, period=period, **dict(row))
