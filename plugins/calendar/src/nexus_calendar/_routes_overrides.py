"""Modified occurrences of a recurring event (``RECURRENCE-ID`` overrides) through the API."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated
from uuid import UUID

from litestar import Controller, delete, post
from litestar.params import FromPath
from nexus_hookspecs.http import Context, Db, Events, route_opt

from nexus_calendar._booking import rebook
from nexus_calendar._events import EVENT_CHANGED, publish_event
from nexus_calendar._examples import body
from nexus_calendar._keys import EVENTS_WRITE
from nexus_calendar._model import EventOut, OverrideIn
from nexus_calendar._overrides import delete_override, put_override
from nexus_calendar._store import read_event

__all__ = ("OverrideController",)


class OverrideController(Controller):
    """The modified occurrences of an event."""

    path = "/events/{event_id:uuid}/overrides"
    tags = ["calendar"]

    @post("/", summary="Modify one occurrence", opt=route_opt(permission=EVENTS_WRITE))
    async def put_override(
        self,
        db: Db,
        context: Context,
        events: Events,
        event_id: FromPath[UUID],
        data: Annotated[OverrideIn, body("POST /events/{event_id}/overrides", "Move one stand-up")],
    ) -> EventOut:
        """Modify the occurrence starting at ``recurrence_id`` (moved, retitled, relocated).

        The occurrence expansion, the iCalendar export and CalDAV show the modified one in
        its place (with its ``RECURRENCE-ID``); posting the same ``recurrence_id`` again
        changes it (its SEQUENCE goes up). 422 naming ``recurrence_id`` when the event does
        not recur or no occurrence starts then. The event's resources are booked again:
        409 naming the event in the way.
        """
        async with db.transaction() as conn:
            event = await read_event(conn, context.actor, event_id)
            await put_override(conn, event, data)
            changed = await read_event(conn, context.actor, event_id)
            await rebook(conn, changed, datetime.now(tz=UTC))
            await publish_event(events, conn, EVENT_CHANGED, changed, "api")
            return changed

    @delete(
        "/{override_id:uuid}",
        summary="Restore a modified occurrence",
        opt=route_opt(permission=EVENTS_WRITE),
    )
    async def delete_override(
        self,
        db: Db,
        context: Context,
        events: Events,
        event_id: FromPath[UUID],
        override_id: FromPath[UUID],
    ) -> None:
        """Drop the modification: the original occurrence comes back. 404 when unknown."""
        async with db.transaction() as conn:
            await read_event(conn, context.actor, event_id)
            await delete_override(conn, event_id, override_id)
            restored = await read_event(conn, context.actor, event_id)
            await rebook(conn, restored, datetime.now(UTC))
            await publish_event(events, conn, EVENT_CHANGED, restored, "api")
