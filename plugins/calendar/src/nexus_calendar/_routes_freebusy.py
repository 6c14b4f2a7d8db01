"""Free/busy: the caller's busy periods over the calendars they see."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import msgspec
from litestar import Controller, get
from litestar.params import QueryParameter
from nexus_hookspecs.http import Context, Db, invalid, route_opt

from nexus_calendar._ics import occurrences
from nexus_calendar._keys import EVENTS_READ
from nexus_calendar._store import calendar_events

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_calendar._model import Occurrence

__all__ = ("Busy", "FreeBusyController", "busy_periods", "check_window", "visible_occurrences")


class Busy(msgspec.Struct, kw_only=True):
    """A busy period in UTC (overlapping timed occurrences merged)."""

    start: str
    end: str


class FreeBusyController(Controller):
    """Free/busy over every calendar the caller sees."""

    path = "/freebusy"
    tags = ["calendar"]

    @get("/", summary="Busy periods in a window", opt=route_opt(permission=EVENTS_READ))
    async def free_busy(
        self,
        db: Db,
        context: Context,
        start: Annotated[datetime, QueryParameter(description="Window start (ISO, offset)")],
        end: Annotated[datetime, QueryParameter(description="Window end (ISO, offset)")],
    ) -> list[Busy]:
        """Timed occurrences of shared and own calendars in ``[start, end)``, merged.

        At most 366 days per window. Reads only.
        """
        async with db.transaction() as conn:
            return await busy_periods(conn, context.actor, start, end)


def check_window(start: datetime, end: datetime) -> None:
    """Refuse (422) a window without offsets, backwards, or longer than 366 days."""
    if start.tzinfo is None or end.tzinfo is None:
        invalid("start", "start and end must carry a UTC offset", source="query")
    if not start < end or (end - start).days > 366:  # noqa: PLR2004 - a year and a day
        invalid("end", "must be after start, at most 366 days later", source="query")


async def visible_occurrences(
    conn: Connection, actor: str | None, start: datetime, end: datetime
) -> list[Occurrence]:
    """Occurrences in ``[start, end)`` of the shared calendars and ``actor``'s own."""
    check_window(start, end)
    rows = await conn.fetch(
        "select id from calendar_calendar where owner is null or owner = $1", actor
    )
    events = [e for row in rows for e in await calendar_events(conn, row["id"])]
    return occurrences(events, start, end)


async def busy_periods(
    conn: Connection, actor: str | None, start: datetime, end: datetime
) -> list[Busy]:
    """``actor``'s timed occurrences in ``[start, end)``, overlapping ones merged (UTC)."""
    spans = sorted(
        (datetime.fromisoformat(o.start), datetime.fromisoformat(o.end))
        for o in await visible_occurrences(conn, actor, start, end)
        if not o.all_day
    )
    merged: list[list[datetime]] = []
    for first, last in spans:
        if merged and first <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], last)
        else:
            merged.append([first, last])
    return [
        Busy(start=a.astimezone(UTC).isoformat(), end=b.astimezone(UTC).isoformat())
        for a, b in merged
    ]
