"""Modified occurrences of recurring events (``RECURRENCE-ID`` overrides), kept per event.

An override replaces one occurrence of its event: the expansion shows it instead of the
original, and CalDAV/ICS serve it as a VEVENT with the master's UID and a RECURRENCE-ID.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, not_found

from nexus_calendar._ics import occurrences, recurrence_key
from nexus_calendar._model import EventOut, OverrideIn, OverrideOut

if TYPE_CHECKING:
    from uuid import UUID

__all__ = ("delete_override", "put_override", "replace_overrides", "with_overrides")

_COLUMNS = (
    "id, event_id, recurrence_id, summary, description, location, starts_at, ends_at, "
    "start_date, end_date, sequence"
)


async def with_overrides(conn: Any, events: list[EventOut]) -> list[EventOut]:
    """``events`` with their modified occurrences, each event's by original start."""
    if not events:
        return events
    rows = await conn.fetch(
        f"select {_COLUMNS} from calendar_override where event_id = any($1::uuid[]) "
        "order by recurrence_id",
        [event.id for event in events],
    )
    found: dict[Any, list[OverrideOut]] = {}
    for row in rows:
        values = {key: row[key] for key in row.keys() if key != "event_id"}  # noqa: SIM118
        found.setdefault(row["event_id"], []).append(OverrideOut(**values))
    return [msgspec.structs.replace(event, overrides=found.get(event.id, [])) for event in events]


def _original(event: EventOut, key: str) -> tuple[Any, Any] | None:
    """The start and end of the unmodified occurrence starting at ``key``, if there is one."""
    master = msgspec.structs.replace(event, overrides=[])
    if event.all_day:
        day = date.fromisoformat(key)
        zone = ZoneInfo(event.timezone)
        start = datetime.combine(day, datetime.min.time(), tzinfo=zone)
        window = (start, start + timedelta(days=1))
    else:
        instant = datetime.fromisoformat(key)
        window = (instant, instant + timedelta(seconds=1))
    for found in occurrences([master], *window):
        if event.all_day and found.start == key:
            return date.fromisoformat(found.start), date.fromisoformat(found.end)
        if not event.all_day and recurrence_key(datetime.fromisoformat(found.start)) == key:
            return datetime.fromisoformat(found.start), datetime.fromisoformat(found.end)
    return None


def _key(event: EventOut, value: str, errors: FieldErrors) -> str | None:
    try:
        if event.all_day:
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value)
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        kind = "an ISO date" if event.all_day else "an ISO datetime with a UTC offset"
        errors.add("recurrence_id", f"must be {kind}")
        return None
    return recurrence_key(moment)


def _filled(event: EventOut, data: OverrideIn, original: tuple[Any, Any]) -> dict[str, Any]:
    """The override's values: those given, else the occurrence's own; 422 on bad times."""
    errors = FieldErrors()
    values: dict[str, Any] = {
        "summary": data.summary or event.summary,
        "description": data.description if data.description is not None else event.description,
        "location": data.location if data.location is not None else event.location,
        "starts_at": None,
        "ends_at": None,
        "start_date": None,
        "end_date": None,
    }
    if event.all_day:
        start = data.start_date or original[0]
        end = data.end_date or start + (original[1] - original[0])
        if end <= start:
            errors.add("end_date", "must be after start_date")
        values.update(start_date=start, end_date=end)
    else:
        start = data.starts_at or original[0]
        end = data.ends_at or start + (original[1] - original[0])
        if start.tzinfo is None or end.tzinfo is None:
            errors.add("starts_at", "must carry a UTC offset")
        elif end < start:
            errors.add("ends_at", "must not be before starts_at")
        values.update(starts_at=start, ends_at=end)
    errors.raise_if_any()
    return values


async def _save(conn: Any, event_id: UUID, key: str, values: dict[str, Any]) -> None:
    await conn.execute(
        "insert into calendar_override (id, event_id, recurrence_id, summary, description, "
        "location, starts_at, ends_at, start_date, end_date) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
        "on conflict (tenant_id, event_id, recurrence_id) do update set "
        "summary = excluded.summary, description = excluded.description, "
        "location = excluded.location, starts_at = excluded.starts_at, "
        "ends_at = excluded.ends_at, start_date = excluded.start_date, "
        "end_date = excluded.end_date, sequence = calendar_override.sequence + 1, "
        "updated_at = now()",
        new_id(),
        event_id,
        key,
        values["summary"],
        values["description"],
        values["location"],
        values["starts_at"],
        values["ends_at"],
        values["start_date"],
        values["end_date"],
    )


async def put_override(conn: Any, event: EventOut, data: OverrideIn) -> None:
    """Keep (or change) the modified occurrence ``data.recurrence_id`` of ``event``.

    422 naming ``recurrence_id`` when the event does not recur or has no occurrence
    starting then (an EXDATE is no occurrence either).
    """
    errors = FieldErrors()
    if event.rrule is None:
        errors.add("recurrence_id", "the event does not recur: change the event itself")
        errors.raise_if_any()
    key = _key(event, data.recurrence_id, errors)
    errors.raise_if_any()
    assert key is not None
    original = _original(event, key)
    if original is None:
        errors.add("recurrence_id", "is not the start of one of the event's occurrences")
        errors.raise_if_any()
    assert original is not None
    await _save(conn, event.id, key, _filled(event, data, original))


async def replace_overrides(conn: Any, event: EventOut, overrides: list[OverrideIn]) -> None:
    """Keep exactly ``overrides`` (as a CalDAV client sent them, times given) for ``event``."""
    keys: list[str] = []
    for data in overrides:
        errors = FieldErrors()
        key = _key(event, data.recurrence_id, errors)
        if key is None:
            raise ValueError(f"bad RECURRENCE-ID {data.recurrence_id}")
        original = _original(event, key) or _given(data)
        await _save(conn, event.id, key, _filled(event, data, original))
        keys.append(key)
    await conn.execute(
        "delete from calendar_override where event_id = $1 and not recurrence_id = any($2)",
        event.id,
        keys,
    )


def _given(data: OverrideIn) -> tuple[Any, Any]:
    # A client may keep an instance whose RECURRENCE-ID no longer matches the rule (it was
    # moved with the master): its own times stand.
    if data.start_date is not None:
        return data.start_date, data.end_date or data.start_date + timedelta(days=1)
    if data.starts_at is None:
        raise ValueError("an overridden instance needs DTSTART")
    return data.starts_at, data.ends_at or data.starts_at


async def delete_override(conn: Any, event_id: UUID, override_id: UUID) -> None:
    """Drop one modified occurrence (the original comes back); 404 when it is not there."""
    dropped = await conn.fetchval(
        "delete from calendar_override where id = $1 and event_id = $2 returning id",
        override_id,
        event_id,
    )
    if dropped is None:
        not_found()
