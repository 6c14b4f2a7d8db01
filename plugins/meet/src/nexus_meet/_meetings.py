"""Meetings: scheduled, changed, cancelled, locked and ended, each change published."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_meet._events import CANCELLED, ENDED, SCHEDULED, UPDATED, MeetingEvent
from nexus_meet._models import MeetingIn, MeetingOut, MeetingPatch

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, EventType

__all__ = (
    "add_control",
    "cancel_meeting",
    "create_meeting",
    "end_meeting",
    "get_meeting",
    "list_meetings",
    "lock_meeting",
    "update_meeting",
)

_COLUMNS = (
    "id, title, host, starts_at, ends_at, mode, lobby, locked, status, invitees, "
    "created_at, updated_at"
)


def _out(row: Any, base_url: str) -> MeetingOut:
    values = dict(row)
    values["invitees"] = list(values["invitees"])
    values["join_url"] = f"{base_url}/api/v1/meet/meetings/{values['id']}"
    return msgspec.convert(values, MeetingOut)


async def _publish(
    conn: Connection, events: EventPublisher, kind: EventType, meeting: MeetingOut
) -> None:
    data = MeetingEvent(
        meeting_id=meeting.id,
        title=meeting.title,
        host=meeting.host,
        starts_at=meeting.starts_at,
        ends_at=meeting.ends_at,
        status=meeting.status,
        invitees=meeting.invitees,
        join_url=meeting.join_url,
    )
    await events.publish(conn, type=kind.type, subject=str(meeting.id), data=data)


def _check_times(starts_at: Any, ends_at: Any) -> None:
    if ends_at is not None and starts_at is None:
        invalid("ends_at", "a meeting with an end needs a start")
    if ends_at is not None and ends_at <= starts_at:
        invalid("ends_at", "the end must come after the start")


async def create_meeting(
    conn: Connection, events: EventPublisher, data: MeetingIn, host: str, base_url: str
) -> MeetingOut:
    """Schedule a meeting hosted by ``host`` and publish ``meet.meeting.scheduled.v1``."""
    _check_times(data.starts_at, data.ends_at)
    row = await conn.fetchrow(
        f"insert into meet_meeting (id, title, host, starts_at, ends_at, mode, lobby, invitees) "
        f"values ($1, $2, $3, $4, $5, $6, $7, $8) returning {_COLUMNS}",
        new_id(),
        data.title,
        host,
        data.starts_at,
        data.ends_at,
        data.mode,
        data.lobby,
        sorted(set(data.invitees)),
    )
    meeting = _out(row, base_url)
    await _publish(conn, events, SCHEDULED, meeting)
    return meeting


async def get_meeting(
    conn: Connection, meeting_id: UUID, base_url: str, *, lock: bool = False
) -> MeetingOut:
    """The meeting, or 404."""
    suffix = " for update" if lock else ""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from meet_meeting where id = $1{suffix}", meeting_id
    )
    if row is None:
        not_found()
    return _out(row, base_url)


async def list_meetings(
    conn: Connection, base_url: str, status: str | None, limit: int
) -> list[MeetingOut]:
    """The tenant's meetings, the most recently scheduled first."""
    rows = await conn.fetch(
        f"select {_COLUMNS} from meet_meeting where $1::text is null or status = $1 "
        "order by id desc limit $2",
        status,
        limit,
    )
    return [_out(row, base_url) for row in rows]


def _open(meeting: MeetingOut) -> None:
    if meeting.status in ("ended", "cancelled"):
        conflict(f"the meeting is {meeting.status}", meeting_status=meeting.status)


async def update_meeting(
    conn: Connection, events: EventPublisher, meeting_id: UUID, patch: MeetingPatch, base: str
) -> MeetingOut:
    """Change a meeting that is not over; publish ``meet.meeting.updated.v1``."""
    meeting = await get_meeting(conn, meeting_id, base, lock=True)
    _open(meeting)
    changes = {k: v for k, v in msgspec.structs.asdict(patch).items() if v is not msgspec.UNSET}
    if not changes:
        return meeting
    merged = {**msgspec.structs.asdict(meeting), **changes}
    _check_times(merged["starts_at"], merged["ends_at"])
    if "invitees" in changes:
        changes["invitees"] = sorted(set(changes["invitees"]))
    sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(changes, start=2))
    row = await conn.fetchrow(
        f"update meet_meeting set {sets}, updated_at = now() where id = $1 returning {_COLUMNS}",
        meeting_id,
        *changes.values(),
    )
    updated = _out(row, base)
    await _publish(conn, events, UPDATED, updated)
    return updated


async def _set_status(
    conn: Connection, events: EventPublisher, meeting_id: UUID, status: str, base: str
) -> MeetingOut:
    meeting = await get_meeting(conn, meeting_id, base, lock=True)
    _open(meeting)
    row = await conn.fetchrow(
        "update meet_meeting set status = $2, updated_at = now() where id = $1 "
        f"returning {_COLUMNS}",
        meeting_id,
        status,
    )
    await conn.execute(
        "update meet_participant set state = 'left', updated_at = now() "
        "where meeting_id = $1 and state in ('lobby', 'admitted')",
        meeting_id,
    )
    changed = _out(row, base)
    await _publish(conn, events, CANCELLED if status == "cancelled" else ENDED, changed)
    return changed


async def cancel_meeting(
    conn: Connection, events: EventPublisher, meeting_id: UUID, base: str
) -> MeetingOut:
    """Cancel a meeting (409 once over); publish ``meet.meeting.cancelled.v1``."""
    return await _set_status(conn, events, meeting_id, "cancelled", base)


async def end_meeting(
    conn: Connection, events: EventPublisher, meeting_id: UUID, actor: str | None, base: str
) -> MeetingOut:
    """End a meeting for everyone (409 once over); publish ``meet.meeting.ended.v1``."""
    ended = await _set_status(conn, events, meeting_id, "ended", base)
    await add_control(conn, meeting_id, "end", None, actor)
    return ended


async def lock_meeting(
    conn: Connection, meeting_id: UUID, locked: bool, actor: str | None, base: str
) -> MeetingOut:
    """Lock a meeting (nobody new may join) or unlock it."""
    meeting = await get_meeting(conn, meeting_id, base, lock=True)
    _open(meeting)
    row = await conn.fetchrow(
        f"update meet_meeting set locked = $2, updated_at = now() where id = $1 "
        f"returning {_COLUMNS}",
        meeting_id,
        locked,
    )
    await add_control(conn, meeting_id, "lock" if locked else "unlock", None, actor)
    return _out(row, base)


async def add_control(
    conn: Connection, meeting_id: UUID, kind: str, target: UUID | None, actor: str | None
) -> int:
    """Record a host control, in order per meeting (signaling delivers them); its number."""
    seq: int = await conn.fetchval(
        "insert into meet_control (id, meeting_id, seq, kind, target, actor) "
        "select $1, $2, coalesce(max(seq), 0) + 1, $3, $4, $5 from meet_control "
        "where meeting_id = $2 returning seq",
        new_id(),
        meeting_id,
        kind,
        target,
        actor,
    )
    return seq
