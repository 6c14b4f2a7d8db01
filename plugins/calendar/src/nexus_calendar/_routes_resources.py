"""Bookable resources (rooms, equipment), the events booking them, and their busy periods."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import Context, Db, Events, invalid, not_found, route_opt

from nexus_calendar._booking import book
from nexus_calendar._events import RESOURCE_BOOKED, booked_data
from nexus_calendar._examples import body
from nexus_calendar._keys import EVENTS_WRITE, RESOURCES_READ, RESOURCES_WRITE
from nexus_calendar._model import EventOut
from nexus_calendar._resources import (
    BookingIn,
    BookingOut,
    ResourceChanges,
    ResourceIn,
    ResourceOut,
    change_resource,
    create_resource,
    read_resource,
    resource_bookings,
)
from nexus_calendar._store import read_event

__all__ = ("EventResourceController", "ResourceController")


class ResourceController(Controller):
    """Rooms and equipment events can book."""

    path = "/resources"
    tags = ["calendar"]

    @post("/", summary="Create a resource", opt=route_opt(permission=RESOURCES_WRITE))
    async def create_resource(
        self, db: Db, data: Annotated[ResourceIn, body("POST /resources", "A meeting room")]
    ) -> ResourceOut:
        """Keep a bookable resource: a ``room`` or ``equipment``."""
        async with db.transaction() as conn:
            return await create_resource(conn, data)

    @get("/", summary="List resources", opt=route_opt(permission=RESOURCES_READ))
    async def list_resources(self, db: Db) -> list[ResourceOut]:
        """The tenant's resources by name (at most 500). Reads only."""
        async with db.transaction() as conn:
            rows = await conn.fetch("select id from calendar_resource order by name, id limit 500")
            return [await read_resource(conn, row["id"]) for row in rows]

    @get("/{resource_id:uuid}", summary="Show a resource", opt=route_opt(permission=RESOURCES_READ))
    async def show_resource(self, db: Db, resource_id: FromPath[UUID]) -> ResourceOut:
        """One resource. Reads only."""
        async with db.transaction() as conn:
            return await read_resource(conn, resource_id)

    @patch(
        "/{resource_id:uuid}",
        summary="Change a resource",
        opt=route_opt(permission=RESOURCES_WRITE),
    )
    async def change_resource(
        self,
        db: Db,
        resource_id: FromPath[UUID],
        data: Annotated[ResourceChanges, body("PATCH /resources/{resource_id}", "More seats")],
    ) -> ResourceOut:
        """Change a resource's name, kind, capacity or location."""
        async with db.transaction() as conn:
            return await change_resource(conn, resource_id, data)

    @delete(
        "/{resource_id:uuid}",
        summary="Delete a resource",
        opt=route_opt(permission=RESOURCES_WRITE),
    )
    async def delete_resource(self, db: Db, resource_id: FromPath[UUID]) -> None:
        """Delete a resource and its bookings (the events stay)."""
        async with db.transaction() as conn:
            await read_resource(conn, resource_id)
            await conn.execute("delete from calendar_resource where id = $1", resource_id)

    @get(
        "/{resource_id:uuid}/bookings",
        summary="A resource's booked occurrences in a window",
        opt=route_opt(permission=RESOURCES_READ),
    )
    async def bookings(
        self,
        db: Db,
        resource_id: FromPath[UUID],
        start: Annotated[datetime, QueryParameter(description="Window start (ISO, offset)")],
        end: Annotated[datetime, QueryParameter(description="Window end (ISO, offset)")],
    ) -> list[BookingOut]:
        """The events holding the resource in ``[start, end)``, one row per occurrence (UTC).

        At most 366 days per window. Reads only.
        """
        if start.tzinfo is None or end.tzinfo is None:
            invalid("start", "start and end must carry a UTC offset", source="query")
        if not start < end or (end - start).days > 366:
            invalid("end", "must be after start, at most 366 days later", source="query")
        async with db.transaction() as conn:
            await read_resource(conn, resource_id)
            return await resource_bookings(conn, resource_id, start, end)


class EventResourceController(Controller):
    """The resources an event books."""

    path = "/events/{event_id:uuid}/resources"
    tags = ["calendar"]

    @post("/", summary="Book a resource for an event", opt=route_opt(permission=EVENTS_WRITE))
    async def book(
        self,
        db: Db,
        context: Context,
        events: Events,
        event_id: FromPath[UUID],
        data: Annotated[BookingIn, body("POST /events/{event_id}/resources", "Book a room")],
    ) -> EventOut:
        """Book a resource for every occurrence of the event (within 366 days ahead).

        409 naming the event (``conflicting_event_id``) that holds it at an overlapping time;
        booking a resource the event books already changes nothing.
        """
        async with db.transaction() as conn:
            event = await read_event(conn, context.actor, event_id)
            await read_resource(conn, data.resource_id)
            if await book(conn, event, data.resource_id, datetime.now(UTC)):
                await events.publish(
                    conn,
                    type=RESOURCE_BOOKED,
                    data=await booked_data(conn, event_id, data.resource_id),
                    subject=str(event_id),
                )
            return await read_event(conn, context.actor, event_id)

    @delete(
        "/{resource_id:uuid}",
        summary="Release a resource an event books",
        opt=route_opt(permission=EVENTS_WRITE),
    )
    async def release(
        self, db: Db, context: Context, event_id: FromPath[UUID], resource_id: FromPath[UUID]
    ) -> None:
        """Release the resource from the event (all its occurrences); 404 when not booked."""
        async with db.transaction() as conn:
            await read_event(conn, context.actor, event_id)
            done = await conn.execute(
                "delete from calendar_event_resource where event_id = $1 and resource_id = $2",
                event_id,
                resource_id,
            )
            if done.endswith(" 0"):
                not_found()
