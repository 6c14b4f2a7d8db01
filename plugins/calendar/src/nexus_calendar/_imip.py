"""iMIP (RFC 6047) invitations: a REQUEST or CANCEL ``.ics`` emailed through ``notify.send``.

The ``.ics`` is kept in the tenant's files store and attached by Notification's email
channel (Mail sends it). Attendees answer with a REPLY (see ``_attendees.apply_reply``).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
from icalendar import Calendar as VCalendar
from icalendar import vCalAddress
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict

from nexus_calendar._attendees import Email, attendees
from nexus_calendar._ics import vevent

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, Services

    from nexus_calendar._attendees import AttendeeOut
    from nexus_calendar._model import EventOut

__all__ = ("InvitationIn", "InvitationOut", "send_invitations")


class InvitationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Whom replies go to (the ORGANIZER), and REQUEST (invite or update) or CANCEL."""

    organizer: Email
    method: Literal["REQUEST", "CANCEL"] = "REQUEST"


class Sent(msgspec.Struct, kw_only=True):
    """One attendee's message."""

    email: str
    message_id: UUID


class InvitationOut(msgspec.Struct, kw_only=True):
    """The messages handed to Notification, one per attendee."""

    method: str
    sent: list[Sent]


class _Result(msgspec.Struct):
    message_id: UUID


def imip(event: EventOut, people: list[AttendeeOut], organizer: str, method: str) -> bytes:
    """The iTIP object of ``method`` for ``event`` with its ORGANIZER and ATTENDEEs."""
    cal = VCalendar()
    cal.add("prodid", "-//Nexus//Calendar//EN")
    cal.add("version", "2.0")
    cal.add("method", method)
    item = vevent(event, datetime.now(tz=UTC))
    item.add("organizer", vCalAddress(f"mailto:{organizer}"))
    if method == "CANCEL":
        item.add("status", "CANCELLED")
    for person in people:
        address = vCalAddress(f"mailto:{person.email}")
        address.params["ROLE"] = "REQ-PARTICIPANT"
        address.params["PARTSTAT"] = person.partstat
        address.params["RSVP"] = "TRUE"
        if person.name:
            address.params["CN"] = person.name
        item.add("attendee", address)
    cal.add_component(item)
    cal.add_missing_timezones()
    return bytes(cal.to_ical())


async def send_invitations(
    conn: Any, services: Services, blobs: BlobStore, event: EventOut, data: InvitationIn
) -> InvitationOut:
    """Email the event's attendees the iMIP object; 409 when Notifications is off."""
    people = await attendees(conn, event.id)
    if not people:
        conflict("the event has no attendees: invite someone first")
    if not await services.available(conn, "notify.send"):
        conflict(
            "Notifications is off for the tenant: invitations cannot be emailed",
            blocking=["notify"],
        )
    payload = imip(event, people, data.organizer, data.method)
    key = f"calendar/imip/{event.id}/{new_id()}.ics"
    await blobs.put(key, payload, content_type="text/calendar")
    verb = "Invitation" if data.method == "REQUEST" else "Cancelled"
    sent: list[Sent] = []
    for person in people:
        result = await services.call(
            conn,
            "notify.send",
            {
                "to": {"email": person.email, **({"name": person.name} if person.name else {})},
                "category": "calendar.invitation",
                "subject": f"{verb}: {event.summary}",
                "text": f"{verb}: {event.summary}\n",
                "channels": ["email"],
                "reply_to": data.organizer,
                "source_ref": f"calendar.event:{event.id}",
                "attachments": [
                    {"blob_key": key, "filename": "invite.ics", "content_type": "text/calendar"}
                ],
            },
            result=_Result,
        )
        sent.append(Sent(email=person.email, message_id=result.message_id))
    return InvitationOut(method=data.method, sent=sent)
