"""Attendees of an event, and the iMIP REPLY endpoint that updates them."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import Context, Db, Events, Services, TenantBlobs, invalid, route_opt

from nexus_calendar._attendees import (
    AttendeeIn,
    AttendeeOut,
    ReplyOut,
    add_attendee,
    apply_reply,
    attendees,
)
from nexus_calendar._events import ATTENDEE_REPLIED, replied_data
from nexus_calendar._examples import body
from nexus_calendar._imip import InvitationIn, InvitationOut, send_invitations
from nexus_calendar._keys import EVENTS_READ, EVENTS_WRITE
from nexus_calendar._store import read_event

__all__ = ("AttendeeController", "ReplyController")

_MAX_REPLY = 64 * 1024


class AttendeeController(Controller):
    """Who is invited to an event, and their answers."""

    path = "/events/{event_id:uuid}/attendees"
    tags = ["calendar"]

    @post("/", summary="Invite an attendee", opt=route_opt(permission=EVENTS_WRITE))
    async def invite(
        self,
        db: Db,
        context: Context,
        event_id: FromPath[UUID],
        data: Annotated[AttendeeIn, body("POST /events/{event_id}/attendees", "A guest by email")],
    ) -> AttendeeOut:
        """Add an attendee (PARTSTAT ``NEEDS-ACTION``); 409 when invited already."""
        async with db.transaction() as conn:
            await read_event(conn, context.actor, event_id)
            return await add_attendee(conn, event_id, data)

    @get("/", summary="List an event's attendees", opt=route_opt(permission=EVENTS_READ))
    async def list_attendees(
        self, db: Db, context: Context, event_id: FromPath[UUID]
    ) -> list[AttendeeOut]:
        """The attendees and their participation status. Reads only."""
        async with db.transaction() as conn:
            await read_event(conn, context.actor, event_id)
            return await attendees(conn, event_id)

    @post(
        "/invitations",
        summary="Email the attendees an iMIP invitation or cancellation",
        opt=route_opt(permission=EVENTS_WRITE),
        status_code=200,
    )
    async def invite_by_email(
        self,
        db: Db,
        context: Context,
        services: Services,
        blobs: TenantBlobs,
        event_id: FromPath[UUID],
        data: Annotated[
            InvitationIn,
            body("POST /events/{event_id}/attendees/invitations", "Invite the attendees"),
        ],
    ) -> InvitationOut:
        """Email each attendee a ``METHOD:REQUEST`` (or ``CANCEL``) ``.ics`` via ``notify.send``.

        Replies go to ``organizer``. 409 when the event has no attendees or Notifications
        is off for the tenant.
        """
        async with db.transaction() as conn:
            event = await read_event(conn, context.actor, event_id)
            return await send_invitations(conn, services, blobs, event, data)


class ReplyController(Controller):
    """iMIP replies (RFC 6047) posted as ``text/calendar``."""

    path = "/public/{tenant:str}/imip"
    tags = ["calendar"]

    @post("/", summary="Apply an iMIP REPLY", opt=route_opt(access="visitor"), status_code=200)
    async def reply(
        self, db: Db, events: Events, tenant: FromPath[str], request: Request[Any, Any, Any]
    ) -> ReplyOut:
        """Apply an attendee's ``METHOD:REPLY`` (their PARTSTAT) to the event of its UID.

        No credentials, as for a reply arriving by email: the event's UID and the invited
        address must match. 404 for an unknown UID or attendee; 422 for anything else than
        a REPLY.
        """
        payload = await request.body()
        if len(payload) > _MAX_REPLY:
            invalid("body", "at most 64 KiB")
        async with db.transaction() as conn:
            answered = await apply_reply(conn, payload)
            for attendee in answered.updated:
                await events.publish(
                    conn,
                    type=ATTENDEE_REPLIED,
                    data=replied_data(attendee, "imip"),
                    subject=str(attendee.event_id),
                )
            return answered
