"""Calendars, events, occurrences, the iCalendar export and feed tokens."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, Response, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import Context, Db, Events, invalid, not_found, route_opt

from nexus_calendar._booking import rebook
from nexus_calendar._events import EVENT_CANCELLED, EVENT_CHANGED, EVENT_CREATED, publish_event
from nexus_calendar._examples import body
from nexus_calendar._ics import calendar_ics, occurrences
from nexus_calendar._keys import (
    CALENDARS_READ,
    CALENDARS_WRITE,
    EVENTS_READ,
    EVENTS_WRITE,
    FEEDS_WRITE,
)
from nexus_calendar._model import (
    CalendarIn,
    CalendarOut,
    EventChanges,
    EventIn,
    EventOut,
    FeedOut,
    Occurrence,
)
from nexus_calendar._store import (
    calendar_events,
    change_event,
    create_calendar,
    create_event,
    create_feed,
    feed_calendar,
    read_calendar,
    read_event,
)

__all__ = ("CalendarController", "EventController", "FeedController")

ICS = "text/calendar; charset=utf-8"


class CalendarController(Controller):
    """Shared and personal calendars."""

    path = "/calendars"
    tags = ["calendar"]

    @post("/", summary="Create a calendar", opt=route_opt(permission=CALENDARS_WRITE))
    async def create_calendar(
        self,
        db: Db,
        context: Context,
        data: Annotated[CalendarIn, body("POST /calendars", "A shared team calendar")],
    ) -> CalendarOut:
        """Keep a calendar; ``personal`` ones are seen by their creator only (404 to others)."""
        async with db.transaction() as conn:
            return await create_calendar(conn, context.actor, data)

    @get("/", summary="List calendars", opt=route_opt(permission=CALENDARS_READ))
    async def list_calendars(self, db: Db, context: Context) -> list[CalendarOut]:
        """Shared calendars and the caller's personal ones, oldest first. Reads only."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from calendar_calendar where owner is null or owner = $1 "
                "order by id limit 500",
                context.actor,
            )
            return [await read_calendar(conn, context.actor, row["id"]) for row in rows]

    @get("/{calendar_id:uuid}", summary="Show a calendar", opt=route_opt(permission=CALENDARS_READ))
    async def show_calendar(
        self, db: Db, context: Context, calendar_id: FromPath[UUID]
    ) -> CalendarOut:
        """One calendar. Reads only."""
        async with db.transaction() as conn:
            return await read_calendar(conn, context.actor, calendar_id)

    @delete(
        "/{calendar_id:uuid}",
        summary="Delete a calendar",
        opt=route_opt(permission=CALENDARS_WRITE),
    )
    async def delete_calendar(
        self, db: Db, context: Context, events: Events, calendar_id: FromPath[UUID]
    ) -> None:
        """Delete a calendar with its events and feeds.

        Each event's ``calendar.event.cancelled.v1`` is published.
        """
        async with db.transaction() as conn:
            await read_calendar(conn, context.actor, calendar_id)
            for event in await calendar_events(conn, calendar_id):
                await publish_event(events, conn, EVENT_CANCELLED, event, "api")
            await conn.execute("delete from calendar_calendar where id = $1", calendar_id)

    @post(
        "/{calendar_id:uuid}/events",
        summary="Create an event",
        opt=route_opt(permission=EVENTS_WRITE),
    )
    async def create_event(
        self,
        db: Db,
        context: Context,
        events: Events,
        calendar_id: FromPath[UUID],
        data: Annotated[EventIn, body("POST /calendars/{calendar_id}/events", "A weekly stand-up")],
    ) -> EventOut:
        """Keep an event (timed or all-day, maybe recurring); 422 on bad times or RRULE."""
        async with db.transaction() as conn:
            created = await create_event(conn, context.actor, calendar_id, data)
            await publish_event(events, conn, EVENT_CREATED, created, "api")
            return created

    @get(
        "/{calendar_id:uuid}/occurrences",
        summary="Expand a calendar's events in a window",
        opt=route_opt(permission=EVENTS_READ),
    )
    async def list_occurrences(
        self,
        db: Db,
        context: Context,
        calendar_id: FromPath[UUID],
        start: Annotated[datetime, QueryParameter(description="Window start (ISO, offset)")],
        end: Annotated[datetime, QueryParameter(description="Window end (ISO, offset)")],
    ) -> list[Occurrence]:
        """Occurrences overlapping ``[start, end)``, recurrences expanded, EXDATEs left out.

        At most 366 days per window. Reads only.
        """
        if start.tzinfo is None or end.tzinfo is None:
            invalid("start", "start and end must carry a UTC offset", source="query")
        if not start < end or (end - start).days > 366:
            invalid("end", "must be after start, at most 366 days later", source="query")
        async with db.transaction() as conn:
            await read_calendar(conn, context.actor, calendar_id)
            events = await calendar_events(conn, calendar_id)
        return occurrences(events, start, end)

    @get(
        "/{calendar_id:uuid}/ics",
        summary="Export a calendar as iCalendar",
        opt=route_opt(permission=EVENTS_READ),
        media_type=ICS,
    )
    async def export(
        self, db: Db, context: Context, calendar_id: FromPath[UUID]
    ) -> Response[bytes]:
        """The calendar as an RFC 5545 VCALENDAR (RRULE, EXDATE, VTIMEZONE). Reads only."""
        async with db.transaction() as conn:
            calendar = await read_calendar(conn, context.actor, calendar_id)
            events = await calendar_events(conn, calendar_id)
        return Response(calendar_ics(calendar.name, events, datetime.now(tz=UTC)), media_type=ICS)

    @post(
        "/{calendar_id:uuid}/feeds",
        summary="Create a subscription URL",
        opt=route_opt(permission=FEEDS_WRITE),
    )
    async def create_feed(self, db: Db, context: Context, calendar_id: FromPath[UUID]) -> FeedOut:
        """A secret subscription URL (``path``; put the tenant's slug for ``{tenant}``).

        The token is shown only now; revoke it with ``DELETE /feeds/{feed_id}``.
        """
        async with db.transaction() as conn:
            await read_calendar(conn, context.actor, calendar_id)
            return await create_feed(conn, calendar_id)


class EventController(Controller):
    """One event."""

    path = "/events"
    tags = ["calendar"]

    @get("/{event_id:uuid}", summary="Show an event", opt=route_opt(permission=EVENTS_READ))
    async def show_event(self, db: Db, context: Context, event_id: FromPath[UUID]) -> EventOut:
        """One event. Reads only."""
        async with db.transaction() as conn:
            return await read_event(conn, context.actor, event_id)

    @patch("/{event_id:uuid}", summary="Change an event", opt=route_opt(permission=EVENTS_WRITE))
    async def change_event(
        self,
        db: Db,
        context: Context,
        events: Events,
        event_id: FromPath[UUID],
        data: Annotated[EventChanges, body("PATCH /events/{event_id}", "Moved to a room")],
    ) -> EventOut:
        """Change an event; its SEQUENCE goes up. 422 when the result is invalid.

        The resources it books are booked again at its new times: 409 naming the event in
        the way when one of them is taken then.
        """
        async with db.transaction() as conn:
            changed = await change_event(conn, context.actor, event_id, data)
            await rebook(conn, changed, datetime.now(tz=UTC))
            await publish_event(events, conn, EVENT_CHANGED, changed, "api")
            return changed

    @delete("/{event_id:uuid}", summary="Delete an event", opt=route_opt(permission=EVENTS_WRITE))
    async def delete_event(
        self, db: Db, context: Context, events: Events, event_id: FromPath[UUID]
    ) -> None:
        """Delete an event (``calendar.event.cancelled.v1``)."""
        async with db.transaction() as conn:
            event = await read_event(conn, context.actor, event_id)
            await publish_event(events, conn, EVENT_CANCELLED, event, "api")
            await conn.execute("delete from calendar_event where id = $1", event_id)


class FeedController(Controller):
    """Subscription URLs: revoking, and the public feed itself."""

    path = "/"
    tags = ["calendar"]

    @delete(
        "/feeds/{feed_id:uuid}",
        summary="Revoke a subscription URL",
        opt=route_opt(permission=FEEDS_WRITE),
    )
    async def revoke_feed(self, db: Db, context: Context, feed_id: FromPath[UUID]) -> None:
        """Revoke a feed token: its URL answers 404 from now on."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select calendar_id from calendar_feed where id = $1", feed_id
            )
            if row is None:
                not_found()
            await read_calendar(conn, context.actor, row["calendar_id"])
            await conn.execute(
                "update calendar_feed set revoked_at = coalesce(revoked_at, now()) where id = $1",
                feed_id,
            )

    @get(
        "/public/{tenant:str}/feeds/{token:str}",
        summary="Read a calendar's subscription feed",
        opt=route_opt(access="visitor"),
        media_type=ICS,
    )
    async def feed(self, db: Db, tenant: FromPath[str], token: FromPath[str]) -> Response[bytes]:
        """The calendar as iCalendar, for subscribing clients.

        No credentials: the token is the secret; 404 for an unknown or revoked token.
        """
        async with db.transaction() as conn:
            row = await feed_calendar(conn, token[:100])
            if row is None:
                not_found()
            events = await calendar_events(conn, row["id"])
        return Response(calendar_ics(row["name"], events, datetime.now(tz=UTC)), media_type=ICS)
