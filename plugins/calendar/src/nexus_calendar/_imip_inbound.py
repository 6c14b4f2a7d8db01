"""iMIP REPLYs arriving by email: Mail's ``mail.message.received.v1`` carries them.

A ``text/calendar`` part (``METHOD:REPLY``) of an inbound message updates the PARTSTAT of
the attendee who sent it, on the event of its UID, when the message was addressed to the
REPLY's ORGANIZER (the address the invitation asked replies to go to). Only the sender's own
answer counts: a REPLY naming other attendees changes nothing for them. Anything else (no
calendar part, another METHOD, an unknown UID) is left alone; the message stays in Mail.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from icalendar import Calendar as VCalendar

from nexus_calendar._attendees import PARTSTATS, AttendeeOut, address, set_partstat
from nexus_calendar._events import ATTENDEE_REPLIED, replied_data

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("MAIL_RECEIVED", "apply_mailed_reply", "mail_received")

MAIL_RECEIVED = "mail.message.received.v1"
"""Mail's inbound message (consumed; no import of Mail)."""

_MAX_PART = 64 * 1024


def _is_calendar(attachment: Mapping[str, Any]) -> bool:
    kind = str(attachment.get("content_type") or "").lower()
    name = str(attachment.get("filename") or "").lower()
    small = int(attachment.get("size") or 0) <= _MAX_PART
    return small and (kind in ("text/calendar", "application/ics") or name.endswith(".ics"))


async def mail_received(event: CloudEvent, ctx: EventContext) -> None:
    """Apply the iMIP REPLYs among an inbound message's parts."""
    data: Mapping[str, Any] = event.data or {}
    sender = str(data.get("from_address") or "").strip().lower()
    recipients = {str(a).strip().lower() for a in [*data.get("to", []), *data.get("cc", [])]}
    if not sender:
        return
    for attachment in data.get("attachments") or []:
        if not _is_calendar(attachment):
            continue
        try:
            payload = await ctx.blobs.get(str(attachment["key"]))
        except KeyError:
            continue
        for attendee in await apply_mailed_reply(
            ctx.conn, payload, sender=sender, recipients=recipients
        ):
            await ctx.events.publish(
                ctx.conn,
                type=ATTENDEE_REPLIED,
                data=replied_data(attendee, "email"),
                subject=str(attendee.event_id),
            )


async def apply_mailed_reply(
    conn: Any, payload: bytes, *, sender: str, recipients: set[str]
) -> list[AttendeeOut]:
    """The attendees a mailed REPLY updated (the sender's own answer, on known events)."""
    try:
        cal = VCalendar.from_ical(payload)
    except ValueError:
        return []
    if str(cal.get("METHOD", "")).upper() != "REPLY":
        return []
    updated: list[AttendeeOut] = []
    for item in cal.walk("VEVENT"):
        if address(item.get("ORGANIZER", "")) not in recipients:
            continue
        event_id = await conn.fetchval(
            "select id from calendar_event where uid = $1", str(item.get("UID", ""))
        )
        if event_id is None:
            continue
        found = item.get("ATTENDEE")
        for attendee in found if isinstance(found, list) else [found] if found else []:
            partstat = str(attendee.params.get("PARTSTAT", "")).upper()
            if address(attendee) != sender or partstat not in PARTSTATS:
                continue
            answered = await set_partstat(conn, event_id, sender, partstat)
            if answered is not None:
                updated.append(answered)
    return updated
