"""``GET /api/v1/analytics/events``: a tenant's events per type per day."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, get
from litestar.params import FromQuery

from nexus.http import KernelDb

__all__ = ("AnalyticsController", "EventCount", "event_routes")

ANALYTICS_PERMISSION = "nexus.features:admin"


class EventCount(msgspec.Struct, kw_only=True):
    """How many events of one type the tenant produced on one day (UTC)."""

    day: date
    type: str
    count: int


class AnalyticsController(Controller):
    """The tenant's event counters (tenant admins), kept by the analytics consumer."""

    path = "/api/v1/analytics"
    tags = ["analytics"]
    opt = {"permission": ANALYTICS_PERMISSION}

    @get("/events", summary="Events per type per day")
    async def event_counts(
        self,
        db: KernelDb,
        since: FromQuery[date | None] = None,
        until: FromQuery[date | None] = None,
        type: FromQuery[str | None] = None,
    ) -> list[EventCount]:
        """Counts per day and type, oldest day first; ``since``/``until`` inclusive."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select day, type, count from nexus_event_count "
                "where ($1::date is null or day >= $1) and ($2::date is null or day <= $2) "
                "and ($3::text is null or type = $3) order by day, type limit 1000",
                since,
                until,
                type,
            )
        return [EventCount(day=row["day"], type=row["type"], count=row["count"]) for row in rows]


event_routes = [AnalyticsController]
