"""Services Calendar offers other plugins, in the caller's transaction.

``calendar.events.upsert`` creates an event in a shared calendar, or replaces the synced
fields of one (its SEQUENCE goes up, its resources are booked again), checked as the routes
check and announced as they announce (``source`` ``service``). ``calendar.events.list``
lists events by ``(updated_at, id)`` after a point, for connectors that send Nexus's changes
to another system (Integrations' Google Calendar sync). Both see the tenant's shared
calendars only: a personal calendar belongs to one person, never to a connector.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import Service
from nexus_hookspecs.http import invalid

from nexus_calendar._booking import rebook
from nexus_calendar._events import EVENT_CHANGED, EVENT_CREATED, publish_event
from nexus_calendar._model import EventIn, EventOut, Name, RRule, Text, TimeZone
from nexus_calendar._store import create_event, read_event, store_event

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = ("SERVICES", "ChangedEvents", "SyncedEvent", "UpsertEvent")

Location = Annotated[str, msgspec.Meta(max_length=500)]


class UpsertEvent(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``calendar.events.upsert``: an event's whole synced state.

    Attributes:
        id: The event to replace; omitted, an event is created.
        calendar_id: The shared calendar it belongs in (moved there when it changes).
        summary: Its title.
        description: Free text; ``null`` clears it.
        location: Where; ``null`` clears it.
        all_day: An all-day event (``start_date``/``end_date``), else timed.
        starts_at: A timed event's start (with an offset).
        ends_at: A timed event's end.
        start_date: An all-day event's first day.
        end_date: The day after its last day (one day when omitted).
        timezone: The IANA zone it is shown in; omitted, the calendar's (or the event's).
        rrule: An RFC 5545 RRULE value; ``null``: it does not recur.
    """

    calendar_id: UUID
    summary: Name
    id: UUID | None = None
    description: Text | None = None
    location: Location | None = None
    all_day: bool = False
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None
    timezone: TimeZone | None = None
    rrule: RRule | None = None


class SyncedEvent(msgspec.Struct, kw_only=True):
    """An event as the services answer it: its synced fields and when it last changed."""

    id: UUID
    calendar_id: UUID
    uid: str
    summary: str
    description: str | None
    location: str | None
    all_day: bool
    starts_at: datetime | None
    ends_at: datetime | None
    start_date: date | None
    end_date: date | None
    timezone: str
    rrule: str | None
    exdates: list[str]
    sequence: int
    updated_at: datetime


class ChangedEvents(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``calendar.events.list``.

    Attributes:
        calendar_id: Only this calendar's events; omitted, every shared calendar's.
        ids: Only these events (whatever their ``updated_at``, with the point too).
        after_time: Only events updated after this instant (with ``after_id``: after this
            ``(updated_at, id)`` point); omitted, from the first.
        after_id: The id at ``after_time`` to continue after.
        limit: At most this many, by ``(updated_at, id)``.
    """

    calendar_id: UUID | None = None
    ids: Annotated[list[UUID], msgspec.Meta(max_length=1000)] | None = None
    after_time: datetime | None = None
    after_id: UUID | None = None
    limit: Annotated[int, msgspec.Meta(ge=1, le=1000)] = 500


_SELECT = (
    "select e.id, e.calendar_id, e.uid, e.summary, e.description, e.location, e.all_day, "
    "e.starts_at, e.ends_at, e.start_date, e.end_date, e.timezone, e.rrule, e.exdates, "
    "e.sequence, e.updated_at from calendar_event e "
    "join calendar_calendar c on c.id = e.calendar_id and c.owner is null"
)


async def _synced(ctx: ServiceContext, event_id: UUID) -> SyncedEvent:
    [found] = await changed(ChangedEvents(ids=[event_id]), ctx)
    return found


async def upsert(data: UpsertEvent, ctx: ServiceContext) -> SyncedEvent:
    """Create an event, or replace one's synced fields; 422 naming a field, 404 for an id."""
    fields = {k: v for k, v in msgspec.structs.asdict(data).items() if k != "id"}
    if data.id is None:
        new = EventIn(**{k: v for k, v in fields.items() if k != "calendar_id"})
        made = await create_event(ctx.conn, None, data.calendar_id, new)
        await publish_event(ctx.events, ctx.conn, EVENT_CREATED, made, "service")
        return await _synced(ctx, made.id)
    event: EventOut = await read_event(ctx.conn, None, data.id)
    if data.calendar_id != event.calendar_id:
        shared = await ctx.conn.fetchval(
            "select 1 from calendar_calendar where id = $1 and owner is null", data.calendar_id
        )
        if shared is None:
            invalid("calendar_id", "must be a shared calendar of the tenant")
    fields["timezone"] = data.timezone or event.timezone
    if not data.all_day:
        fields.update(start_date=None, end_date=None)
    merged = msgspec.structs.replace(event, **fields)
    stored = await store_event(ctx.conn, event, merged)
    await rebook(ctx.conn, stored, datetime.now(tz=UTC))
    await publish_event(ctx.events, ctx.conn, EVENT_CHANGED, stored, "service")
    return await _synced(ctx, stored.id)


async def changed(data: ChangedEvents, ctx: ServiceContext) -> list[SyncedEvent]:
    """Events of shared calendars updated after a point, oldest first."""
    args: list[object] = []
    conditions = ["true"]
    if data.calendar_id is not None:
        args.append(data.calendar_id)
        conditions.append(f"e.calendar_id = ${len(args)}")
    if data.after_time is not None:
        args.extend((data.after_time, data.after_id or UUID(int=0)))
        conditions.append(f"(e.updated_at, e.id) > (${len(args) - 1}, ${len(args)})")
    if data.ids is not None:
        args.append(data.ids)
        conditions.append(f"e.id = any(${len(args)}::uuid[])")
    rows = await ctx.conn.fetch(
        f"{_SELECT} where {' and '.join(conditions)} order by e.updated_at, e.id "
        f"limit {data.limit}",
        *args,
    )
    return [msgspec.convert(dict(row), SyncedEvent) for row in rows]


SERVICES = (
    Service(
        name="calendar.events.upsert",
        handler=upsert,
        request=UpsertEvent,
        response=SyncedEvent,
        description=(
            "Creates an event in a shared calendar, or replaces the synced fields of one (its "
            "SEQUENCE goes up, its resources are booked again: 409 when taken), checked as the "
            "routes check (422 naming the field; 404 for an id or calendar not the tenant's "
            "shared ones); publishes calendar.event.created.v1 or calendar.event.changed.v1."
        ),
    ),
    Service(
        name="calendar.events.list",
        handler=changed,
        request=ChangedEvents,
        response=list[SyncedEvent],
        description=(
            "Events of shared calendars (of one, or those of ids) updated after an "
            "(updated_at, id) point, oldest first, at most limit: what a connector sends to "
            "another system. Reads only."
        ),
    ),
)
