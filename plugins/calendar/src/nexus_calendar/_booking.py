"""Booking resources for events: one ``tstzrange`` per occurrence, no overlaps.

``calendar_booking`` keeps a row per booked occurrence. Every booking first locks the
resource's row (``select ... for no key update``, resources in id order), then looks for an
overlapping booking (``span && ...``) and inserts: concurrent bookings of one resource run
one after the other, and the later one sees the earlier one's rows (read committed takes a
new snapshot per statement) and is refused with 409 naming the event in the way.

A recurring event books its occurrences within :data:`HORIZON` (366 days) from its first
occurrence or from now, whichever is later, when the resource is booked and each time the
event changes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any, NoReturn
from zoneinfo import ZoneInfo

from nexus_hookspecs.http import conflict

from nexus_calendar._ics import occurrences
from nexus_calendar._store import event_by_id

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_calendar._model import EventOut

__all__ = (
    "HORIZON",
    "MAX_OCCURRENCES",
    "book",
    "extend_bookings",
    "rebook",
    "spans",
    "spans_between",
)

HORIZON = timedelta(days=366)
"""How far ahead a recurring event's occurrences are booked."""

MAX_OCCURRENCES = 1000
"""The most occurrences one booking may hold (an hourly event books too many)."""


def _instant(value: str, zone: ZoneInfo) -> datetime:
    if "T" in value:
        return datetime.fromisoformat(value)
    return datetime.combine(date.fromisoformat(value), time(), tzinfo=zone)


def _first(event: EventOut, zone: ZoneInfo) -> tuple[datetime, datetime]:
    if event.all_day:
        assert event.start_date is not None
        end = event.end_date or event.start_date + timedelta(days=1)
        return _instant(event.start_date.isoformat(), zone), _instant(end.isoformat(), zone)
    assert event.starts_at is not None and event.ends_at is not None
    return event.starts_at, event.ends_at


def spans(event: EventOut, now: datetime) -> list[tuple[datetime, datetime]]:
    """The periods ``event`` occupies a resource: its occurrences within the horizon.

    A one-off event has one span, whenever it is. A recurring one has those of its
    occurrences (EXDATEs left out) that overlap ``HORIZON`` from ``max(first start, now)``.
    """
    first = _first(event, ZoneInfo(event.timezone))
    if event.rrule is None:
        return [first]
    start = max(first[0], now)
    found = spans_between(event, start, start + HORIZON)
    if len(found) > MAX_OCCURRENCES:
        conflict(
            f"the event has more than {MAX_OCCURRENCES} occurrences in {HORIZON.days} days: "
            "too many to book a resource for"
        )
    return found


def spans_between(
    event: EventOut, start: datetime, end: datetime
) -> list[tuple[datetime, datetime]]:
    """The (start, end) instants of ``event``'s occurrences overlapping ``[start, end)``.

    All-day occurrences run from midnight to midnight in the event's time zone.
    """
    zone = ZoneInfo(event.timezone)
    return [
        (_instant(o.start, zone), _instant(o.end, zone)) for o in occurrences([event], start, end)
    ]


async def _refuse(conn: Any, event_id: UUID, resource_id: UUID, periods: list[Any]) -> None:
    """409 naming the event that holds ``resource_id`` during one of ``periods``, if any."""
    row = await conn.fetchrow(
        "select b.event_id, e.summary, lower(b.span) as starts_at, r.name "
        "from calendar_booking b join calendar_event e on e.id = b.event_id "
        "join calendar_resource r on r.id = b.resource_id "
        "where b.resource_id = $1 and b.event_id <> $2 and b.span && any("
        "select tstzrange(s, e) from unnest($3::timestamptz[], $4::timestamptz[]) as t(s, e)) "
        "order by lower(b.span) limit 1",
        resource_id,
        event_id,
        [start for start, _ in periods],
        [end for _, end in periods],
    )
    if row is not None:
        _conflict(row)


def _conflict(row: Any) -> NoReturn:
    conflict(
        f"{row['name']} is booked by '{row['summary']}' at "
        f"{row['starts_at'].astimezone(UTC).isoformat()}",
        conflicting_event_id=str(row["event_id"]),
        conflicting_event_summary=row["summary"],
        conflicting_start=row["starts_at"].astimezone(UTC).isoformat(),
    )


async def _lock(conn: Any, resource_id: UUID) -> None:
    # Serializes the check and the insert with any other booking of the resource: held
    # until the transaction ends, so a concurrent request checks after our commit. Taken
    # before anything references the row (a foreign key's check takes FOR KEY SHARE, which
    # NO KEY UPDATE does not wait for, so such checks never deadlock with it).
    await conn.execute(
        "select 1 from calendar_resource where id = $1 for no key update", resource_id
    )


async def _place(conn: Any, event: EventOut, resource_id: UUID, periods: list[Any]) -> None:
    await _refuse(conn, event.id, resource_id, periods)
    await conn.execute(
        "insert into calendar_booking (event_id, resource_id, span) "
        "select $1, $2, tstzrange(s, e) "
        "from unnest($3::timestamptz[], $4::timestamptz[]) as t(s, e)",
        event.id,
        resource_id,
        [start for start, _ in periods],
        [end for _, end in periods],
    )


async def book(conn: Any, event: EventOut, resource_id: UUID, now: datetime) -> bool:
    """Book ``resource_id`` (already visible) for ``event``; 409 naming an overlapping event.

    Returns:
        ``False`` when the event books the resource already (nothing changes).
    """
    await _lock(conn, resource_id)
    added = await conn.fetchval(
        "insert into calendar_event_resource (event_id, resource_id) values ($1, $2) "
        "on conflict do nothing returning true",
        event.id,
        resource_id,
    )
    if not added:
        return False
    await _place(conn, event, resource_id, spans(event, now))
    return True


async def rebook(conn: Any, event: EventOut, now: datetime) -> None:
    """Book ``event``'s resources again at its (changed) times; 409 on an overlap."""
    if not event.resources:
        return
    for resource_id in sorted(event.resources):  # one lock order: no deadlock between two
        await _lock(conn, resource_id)
    await conn.execute("delete from calendar_booking where event_id = $1", event.id)
    periods = spans(event, now)
    for resource_id in event.resources:
        await _place(conn, event, resource_id, periods)


async def extend_bookings(conn: Any, now: datetime) -> int:
    """Book the occurrences of recurring events that came within the horizon since booked.

    For each resource a recurring event books whose bookings end before ``now + HORIZON``,
    the occurrences starting from its last booked one up to ``now + HORIZON`` are booked,
    the resource locked first (resources in id order). An occurrence that another event
    holds by then is left unbooked (nobody is there to answer 409 to). Returns the
    occurrences booked.
    """
    rows = await conn.fetch(
        "select er.event_id, er.resource_id, max(lower(b.span)) as last_start "
        "from calendar_event_resource er join calendar_event e on e.id = er.event_id "
        "left join calendar_booking b on b.event_id = er.event_id "
        "and b.resource_id = er.resource_id where e.rrule is not null "
        "group by er.event_id, er.resource_id "
        "having coalesce(max(upper(b.span)), '-infinity') < $1 "
        "order by er.resource_id, er.event_id",
        now + HORIZON,
    )
    booked = 0
    for row in rows:
        event = await event_by_id(conn, row["event_id"])
        since = row["last_start"] or now
        periods = [p for p in spans_between(event, since, now + HORIZON) if p[0] > since]
        if not periods:
            continue
        await _lock(conn, row["resource_id"])
        added = await conn.fetch(
            "insert into calendar_booking (event_id, resource_id, span) "
            "select $1, $2, tstzrange(t.s, t.e) "
            "from unnest($3::timestamptz[], $4::timestamptz[]) as t(s, e) "
            "where not exists (select 1 from calendar_booking o where o.resource_id = $2 "
            "and o.event_id <> $1 and o.span && tstzrange(t.s, t.e)) "
            "on conflict do nothing returning span",
            event.id,
            row["resource_id"],
            [start for start, _ in periods],
            [end for _, end in periods],
        )
        booked += len(added)
    return booked
