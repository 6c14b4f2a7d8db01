"""The events Calendar publishes (through the outbox, in the transaction of the change).

``calendar.event.created/changed/cancelled.v1`` carry the event's times and recurrence
(``source`` tells the API from CalDAV); ``calendar.attendee.replied.v1`` an attendee's
answer (posted, or mailed to the organizer); ``calendar.resource.booked.v1`` a room or piece
of equipment booked for an event.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

if TYPE_CHECKING:
    from nexus_calendar._attendees import AttendeeOut
    from nexus_calendar._model import EventOut

__all__ = (
    "ATTENDEE_REPLIED",
    "EVENT_CANCELLED",
    "EVENT_CHANGED",
    "EVENT_CREATED",
    "EVENTS",
    "RESOURCE_BOOKED",
    "AttendeeReplied",
    "CalendarEventData",
    "ResourceBooked",
    "booked_data",
    "event_data",
    "publish_event",
    "replied_data",
)

Source = Literal["api", "caldav", "service"]


class CalendarEventData(msgspec.Struct, kw_only=True):
    """The ``data`` of ``calendar.event.created/changed/cancelled.v1``.

    Example::

        {"event_id": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c11",
         "calendar_id": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c10",
         "uid": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c11@nexus", "summary": "Weekly stand-up",
         "all_day": false, "starts_at": "2026-12-07T08:00:00Z",
         "ends_at": "2026-12-07T08:15:00Z", "start_date": null, "end_date": null,
         "timezone": "Europe/Berlin", "rrule": "FREQ=WEEKLY;BYDAY=MO", "sequence": 0,
         "source": "api"}

    Attributes:
        event_id: The event.
        calendar_id: Its calendar.
        uid: Its iCalendar UID.
        summary: Its title.
        all_day: ``True`` for an all-day event (dates), ``False`` for a timed one (instants).
        starts_at: A timed event's (first) start.
        ends_at: A timed event's (first) end.
        start_date: An all-day event's (first) day.
        end_date: The day after an all-day event's last day.
        timezone: The IANA time zone it is shown in.
        rrule: Its RFC 5545 RRULE, if it recurs.
        sequence: Its iCalendar SEQUENCE (raised by each change).
        source: ``api``, ``caldav`` (a client's PUT or DELETE) or ``service`` (another
            plugin through ``calendar.events.upsert``: a connector's sync).
    """

    event_id: UUID
    calendar_id: UUID
    uid: str
    summary: str
    all_day: bool
    starts_at: datetime | None
    ends_at: datetime | None
    start_date: date | None
    end_date: date | None
    timezone: str
    rrule: str | None
    sequence: int
    source: Source


class AttendeeReplied(msgspec.Struct, kw_only=True):
    """The ``data`` of ``calendar.attendee.replied.v1``.

    Example::

        {"event_id": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c11",
         "attendee_id": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c12", "email": "ada@example.com",
         "partstat": "ACCEPTED", "via": "email"}

    Attributes:
        event_id: The event.
        attendee_id: The attendee.
        email: Their address.
        partstat: Their answer: ``ACCEPTED``, ``DECLINED``, ``TENTATIVE`` or ``DELEGATED``.
        via: ``imip`` (a REPLY posted to the public iMIP route) or ``email`` (mailed to the
            organizer's Mail mailbox).
    """

    event_id: UUID
    attendee_id: UUID
    email: str
    partstat: str
    via: Literal["imip", "email"]


class ResourceBooked(msgspec.Struct, kw_only=True):
    """The ``data`` of ``calendar.resource.booked.v1``.

    Example::

        {"event_id": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c11",
         "resource_id": "01938c8e-7d2a-7c3e-9a61-3f0e8b2d4c13", "occurrences": 53,
         "first_start": "2026-12-07T08:00:00Z", "last_end": "2027-12-06T08:15:00Z"}

    Attributes:
        event_id: The event that books it.
        resource_id: The room or equipment.
        occurrences: How many occurrences were booked (within the 366-day horizon).
        first_start: The first booked occurrence's start.
        last_end: The last booked occurrence's end.
    """

    event_id: UUID
    resource_id: UUID
    occurrences: int
    first_start: datetime | None
    last_end: datetime | None


EVENT_CREATED = EventType(
    type="calendar.event.created.v1",
    description=(
        "An event was created, through the API or by a CalDAV client (subject: the event id)."
    ),
    payload=CalendarEventData,
)
EVENT_CHANGED = EventType(
    type="calendar.event.changed.v1",
    description=(
        "An event's times, recurrence, texts or modified occurrences changed, through the API "
        "or by a CalDAV client (subject: the event id)."
    ),
    payload=CalendarEventData,
)
EVENT_CANCELLED = EventType(
    type="calendar.event.cancelled.v1",
    description=(
        "An event was deleted, with its calendar, through the API or by a CalDAV client "
        "(subject: the event id)."
    ),
    payload=CalendarEventData,
)
ATTENDEE_REPLIED = EventType(
    type="calendar.attendee.replied.v1",
    description=(
        "An attendee answered an invitation with an iMIP REPLY, posted or mailed to the "
        "organizer: their PARTSTAT changed (subject: the event id)."
    ),
    payload=AttendeeReplied,
)
RESOURCE_BOOKED = EventType(
    type="calendar.resource.booked.v1",
    description=(
        "A room or piece of equipment was booked for an event's occurrences (subject: the "
        "event id)."
    ),
    payload=ResourceBooked,
)
EVENTS = (EVENT_CREATED, EVENT_CHANGED, EVENT_CANCELLED, ATTENDEE_REPLIED, RESOURCE_BOOKED)


def event_data(event: EventOut, source: Source) -> CalendarEventData:
    """The payload of an event's created/changed/cancelled event."""
    return CalendarEventData(
        event_id=event.id,
        calendar_id=event.calendar_id,
        uid=event.uid,
        summary=event.summary,
        all_day=event.all_day,
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        start_date=event.start_date,
        end_date=event.end_date,
        timezone=event.timezone,
        rrule=event.rrule,
        sequence=event.sequence,
        source=source,
    )


async def publish_event(
    events: Any, conn: Any, kind: EventType, event: EventOut, source: Source
) -> None:
    """Publish ``kind`` (created, changed or cancelled) of ``event`` in ``conn``'s transaction."""
    await events.publish(conn, type=kind, data=event_data(event, source), subject=str(event.id))


async def booked_data(conn: Any, event_id: UUID, resource_id: UUID) -> ResourceBooked:
    """The payload of a booking: how many occurrences it holds, from when to when."""
    row = await conn.fetchrow(
        "select count(*) as n, min(lower(span)) as first, max(upper(span)) as last "
        "from calendar_booking where event_id = $1 and resource_id = $2",
        event_id,
        resource_id,
    )
    return ResourceBooked(
        event_id=event_id,
        resource_id=resource_id,
        occurrences=int(row["n"]),
        first_start=row["first"],
        last_end=row["last"],
    )


def replied_data(attendee: AttendeeOut, via: Literal["imip", "email"]) -> AttendeeReplied:
    """The payload of an attendee's answer."""
    return AttendeeReplied(
        event_id=attendee.event_id,
        attendee_id=attendee.id,
        email=attendee.email,
        partstat=attendee.partstat,
        via=via,
    )
