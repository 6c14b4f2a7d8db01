"""The events Meet publishes, and their payloads (contracts: meet).

A calendar (or mail, or chat) adds a meeting's ``join_url`` to its event from
``meet.meeting.scheduled.v1`` and follows its changes; Meet depends on none of them.
"""

from __future__ import annotations

from datetime import datetime
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = ("CANCELLED", "ENDED", "SCHEDULED", "UPDATED", "MeetingEvent")


class MeetingEvent(msgspec.Struct, kw_only=True):
    """The ``data`` of every ``meet.meeting.*.v1`` event: the meeting as it now is.

    Attributes:
        meeting_id: The meeting.
        title: Its title.
        host: The principal who hosts it.
        starts_at: When it is scheduled to start (``None``: a room open any time).
        ends_at: When it is scheduled to end, if set.
        status: ``scheduled``, ``live``, ``ended`` or ``cancelled``.
        invitees: Who is invited (principals or email addresses).
        join_url: The link that joins it, to put in a calendar event or a message.
    """

    meeting_id: UUID
    title: str
    host: str
    starts_at: datetime | None
    ends_at: datetime | None
    status: str
    invitees: list[str]
    join_url: str


SCHEDULED = EventType(
    type="meet.meeting.scheduled.v1",
    description="A meeting was scheduled (or a room opened): its join link, time, invitees.",
    payload=MeetingEvent,
)
UPDATED = EventType(
    type="meet.meeting.updated.v1",
    description="A meeting's title, time or invitees changed.",
    payload=MeetingEvent,
)
CANCELLED = EventType(
    type="meet.meeting.cancelled.v1",
    description="A meeting was cancelled before it ended: its link no longer joins.",
    payload=MeetingEvent,
)
ENDED = EventType(
    type="meet.meeting.ended.v1",
    description="The host ended a meeting: everyone was disconnected.",
    payload=MeetingEvent,
)
