"""Reads and writes of calendars, events and feeds (in the caller's tenant transaction)."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, not_found

from nexus_calendar._model import (
    CalendarIn,
    CalendarOut,
    EventChanges,
    EventIn,
    EventOut,
    FeedOut,
    check_event,
    check_timezone,
)
from nexus_calendar._overrides import with_overrides

if TYPE_CHECKING:
    from uuid import UUID

__all__ = (
    "calendar_events",
    "change_event",
    "create_calendar",
    "create_event",
    "create_feed",
    "event_by_id",
    "feed_calendar",
    "read_calendar",
    "read_event",
    "store_event",
    "token_hash",
    "with_resources",
)

_EVENT = (
    "id, calendar_id, uid, summary, description, location, all_day, starts_at, ends_at, "
    "start_date, end_date, timezone, rrule, exdates, sequence, reminders"
)
_VISIBLE = "(owner is null or owner = $2)"


def _calendar(row: Any) -> CalendarOut:
    return CalendarOut(
        id=row["id"],
        name=row["name"],
        timezone=row["timezone"],
        personal=row["owner"] is not None,
        created_at=row["created_at"],
    )


def _event(row: Any) -> EventOut:
    return EventOut(**{key: row[key] for key in row.keys()})  # noqa: SIM118


async def create_calendar(conn: Any, actor: str | None, data: CalendarIn) -> CalendarOut:
    """Keep a calendar; a personal one belongs to ``actor``."""
    errors = FieldErrors()
    check_timezone(data.timezone, errors)
    errors.raise_if_any()
    row = await conn.fetchrow(
        "insert into calendar_calendar (id, name, owner, timezone) values ($1, $2, $3, $4) "
        "returning *",
        new_id(),
        data.name,
        actor if data.personal else None,
        data.timezone,
    )
    return _calendar(row)


async def read_calendar(conn: Any, actor: str | None, calendar_id: UUID) -> CalendarOut:
    """A calendar the actor may see (shared, or their own personal one); else 404."""
    row = await conn.fetchrow(
        f"select * from calendar_calendar where id = $1 and {_VISIBLE}", calendar_id, actor
    )
    if row is None:
        not_found()
    return _calendar(row)


async def create_event(conn: Any, actor: str | None, calendar_id: UUID, data: EventIn) -> EventOut:
    """Keep an event in a calendar the actor sees; 422 on bad times or recurrence."""
    calendar = await read_calendar(conn, actor, calendar_id)
    errors = FieldErrors()
    check_event(data, errors)
    errors.raise_if_any()
    event_id = new_id()
    row = await conn.fetchrow(
        f"insert into calendar_event (id, calendar_id, uid, summary, description, location, "
        "all_day, starts_at, ends_at, start_date, end_date, timezone, rrule, exdates, "
        "reminders, created_by) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) "
        f"returning {_EVENT}",
        event_id,
        calendar_id,
        f"{event_id}@nexus",
        data.summary,
        data.description,
        data.location,
        data.all_day,
        None if data.all_day else data.starts_at,
        None if data.all_day else data.ends_at,
        data.start_date if data.all_day else None,
        _end_date(data) if data.all_day else None,
        data.timezone or calendar.timezone,
        data.rrule,
        list(data.exdates),
        sorted(set(data.reminders)),
        actor,
    )
    return _event(row)


def _end_date(data: EventIn | EventOut) -> Any:
    assert data.start_date is not None
    return data.end_date or data.start_date + timedelta(days=1)


async def read_event(conn: Any, actor: str | None, event_id: UUID) -> EventOut:
    """An event of a calendar the actor sees; else 404."""
    row = await conn.fetchrow(
        f"select {_EVENT} from calendar_event e where id = $1 and exists (select 1 from "
        f"calendar_calendar c where c.id = e.calendar_id and {_VISIBLE})",
        event_id,
        actor,
    )
    if row is None:
        not_found()
    [event] = await with_overrides(conn, [_event(row)])
    return await with_resources(conn, event)


async def event_by_id(conn: Any, event_id: UUID) -> EventOut:
    """An event of the tenant, whoever sees its calendar (for background jobs)."""
    row = await conn.fetchrow(f"select {_EVENT} from calendar_event where id = $1", event_id)
    if row is None:
        not_found()
    [event] = await with_overrides(conn, [_event(row)])
    return event


async def with_resources(conn: Any, event: EventOut) -> EventOut:
    """``event`` with the ids of the resources it books."""
    rows = await conn.fetch(
        "select resource_id from calendar_event_resource where event_id = $1 order by resource_id",
        event.id,
    )
    return msgspec.structs.replace(event, resources=[row["resource_id"] for row in rows])


async def change_event(
    conn: Any, actor: str | None, event_id: UUID, data: EventChanges
) -> EventOut:
    """Change an event (its SEQUENCE goes up); 422 when the result is not a valid event."""
    event = await read_event(conn, actor, event_id)
    changes = {
        field: getattr(data, field)
        for field in data.__struct_fields__
        if getattr(data, field) is not None
    }
    return await store_event(conn, event, msgspec.structs.replace(event, **changes))


async def store_event(conn: Any, event: EventOut, merged: EventOut) -> EventOut:
    """Keep ``merged`` as ``event``'s new state (its SEQUENCE goes up); 422 when invalid.

    ``merged`` may name another calendar of the tenant (the services move events).
    """
    errors = FieldErrors()
    check_event(merged, errors)
    errors.raise_if_any()
    row = await conn.fetchrow(
        "update calendar_event set summary = $2, description = $3, location = $4, "
        "starts_at = $5, ends_at = $6, start_date = $7, end_date = $8, timezone = $9, "
        "rrule = $10, exdates = $11, reminders = $12, calendar_id = $13, all_day = $14, "
        "sequence = sequence + 1, updated_at = now() "
        f"where id = $1 returning {_EVENT}",
        event.id,
        merged.summary,
        merged.description,
        merged.location,
        merged.starts_at,
        merged.ends_at,
        merged.start_date,
        _end_date(merged) if merged.all_day else None,
        merged.timezone,
        merged.rrule,
        list(merged.exdates),
        sorted(set(merged.reminders)),
        merged.calendar_id,
        merged.all_day,
    )
    return msgspec.structs.replace(
        _event(row), resources=event.resources, overrides=event.overrides
    )


async def calendar_events(conn: Any, calendar_id: UUID) -> list[EventOut]:
    """Every event of a calendar (already checked visible), oldest first."""
    rows = await conn.fetch(
        f"select {_EVENT} from calendar_event where calendar_id = $1 order by id", calendar_id
    )
    return await with_overrides(conn, [_event(row) for row in rows])


def token_hash(token: str) -> str:
    """The SHA-256 kept of a feed token."""
    return hashlib.sha256(token.encode()).hexdigest()


async def create_feed(conn: Any, calendar_id: UUID) -> FeedOut:
    """A new feed token of a calendar; the token is returned once, only its hash is kept."""
    token = secrets.token_urlsafe(32)
    row = await conn.fetchrow(
        "insert into calendar_feed (id, calendar_id, token_hash) values ($1, $2, $3) "
        "returning id, calendar_id, created_at",
        new_id(),
        calendar_id,
        token_hash(token),
    )
    return FeedOut(
        id=row["id"],
        calendar_id=row["calendar_id"],
        created_at=row["created_at"],
        token=token,
        path=f"/api/v1/calendar/public/{{tenant}}/feeds/{token}",
    )


async def feed_calendar(conn: Any, token: str) -> Any:
    """The calendar row a live feed token opens, or ``None``."""
    return await conn.fetchrow(
        "select c.* from calendar_feed f join calendar_calendar c on c.id = f.calendar_id "
        "where f.token_hash = $1 and f.revoked_at is null",
        token_hash(token),
    )
