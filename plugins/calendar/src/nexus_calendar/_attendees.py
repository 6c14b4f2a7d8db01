"""Attendees of events, and iMIP (RFC 6047) REPLYs updating their participation status."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from icalendar import Calendar as VCalendar
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

__all__ = (
    "AttendeeIn",
    "AttendeeOut",
    "ReplyOut",
    "add_attendee",
    "address",
    "apply_reply",
    "attendees",
    "set_partstat",
)

Email = Annotated[
    str, msgspec.Meta(min_length=3, max_length=254, pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$")
]
PARTSTATS = frozenset({"NEEDS-ACTION", "ACCEPTED", "DECLINED", "TENTATIVE", "DELEGATED"})


class AttendeeIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Someone invited to an event."""

    email: Email
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None


class AttendeeOut(msgspec.Struct, kw_only=True):
    """An attendee and their iCalendar PARTSTAT (``NEEDS-ACTION`` until they reply)."""

    id: UUID
    event_id: UUID
    email: str
    name: str | None
    partstat: str
    replied_at: datetime | None


class ReplyOut(msgspec.Struct, kw_only=True):
    """The attendees a REPLY updated."""

    updated: list[AttendeeOut]


def _out(row: Any) -> AttendeeOut:
    return AttendeeOut(**{key: row[key] for key in row.keys()})  # noqa: SIM118


_COLUMNS = "id, event_id, email, name, partstat, replied_at"


async def add_attendee(conn: Any, event_id: UUID, data: AttendeeIn) -> AttendeeOut:
    """Invite ``data.email`` to an (already visible) event; 409 when invited already."""
    row = await conn.fetchrow(
        "insert into calendar_attendee (id, event_id, email, name) values ($1, $2, $3, $4) "
        f"on conflict do nothing returning {_COLUMNS}",
        new_id(),
        event_id,
        data.email.strip().lower(),
        data.name,
    )
    if row is None:
        conflict("this address is invited to the event already")
    return _out(row)


async def attendees(conn: Any, event_id: UUID) -> list[AttendeeOut]:
    """An event's attendees, by address."""
    rows = await conn.fetch(
        f"select {_COLUMNS} from calendar_attendee where event_id = $1 order by email", event_id
    )
    return [_out(row) for row in rows]


def address(value: Any) -> str:
    """The plain, lower-cased address of a ``mailto:`` calendar address."""
    return _address(value)


async def set_partstat(conn: Any, event_id: UUID, email: str, partstat: str) -> AttendeeOut | None:
    """Record an attendee's answer; ``None`` when ``email`` is not invited to the event."""
    row = await conn.fetchrow(
        "update calendar_attendee set partstat = $3, replied_at = now() "
        f"where event_id = $1 and email = $2 returning {_COLUMNS}",
        event_id,
        email,
        partstat,
    )
    return None if row is None else _out(row)


def _address(value: Any) -> str:
    text = str(value).strip()
    return (text[7:] if text.lower().startswith("mailto:") else text).lower()


async def apply_reply(conn: Any, payload: bytes) -> ReplyOut:
    """Apply an iMIP ``METHOD:REPLY``: each ATTENDEE's PARTSTAT on the event of its UID.

    422 for anything but a REPLY; 404 when the UID or the attendee is not known here.
    """
    try:
        cal = VCalendar.from_ical(payload)
    except ValueError:
        invalid("body", "must be an iCalendar object")
    if str(cal.get("METHOD", "")).upper() != "REPLY":
        invalid("METHOD", "must be REPLY")
    updated: list[AttendeeOut] = []
    for item in cal.walk("VEVENT"):
        event = await conn.fetchrow(
            "select id from calendar_event where uid = $1", str(item.get("UID", ""))
        )
        if event is None:
            not_found()
        found = item.get("ATTENDEE")
        for attendee in found if isinstance(found, list) else [found] if found else []:
            partstat = str(attendee.params.get("PARTSTAT", "")).upper()
            if partstat not in PARTSTATS:
                invalid("PARTSTAT", "must be ACCEPTED, DECLINED, TENTATIVE or DELEGATED")
            answered = await set_partstat(conn, event["id"], _address(attendee), partstat)
            if answered is None:
                not_found()
            updated.append(answered)
    if not updated:
        invalid("ATTENDEE", "a REPLY names the attendee who answers")
    return ReplyOut(updated=updated)
