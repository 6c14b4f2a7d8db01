"""Joining through the lobby, and the host's say over who is in a meeting.

A principal asks to join; the host is admitted at once, anyone else waits in the lobby when
the meeting has one. A locked, ended or cancelled meeting takes nobody new, and a mesh
meeting admits at most ``mesh_max`` people (the SFU takes larger ones).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, not_found

from nexus_meet._meetings import add_control, get_meeting
from nexus_meet._models import ParticipantOut

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("decide", "join", "list_participants", "mute_all", "participant", "remove")

_COLUMNS = "id, meeting_id, actor, display_name, state, joined_at"


def _out(row: Any) -> ParticipantOut:
    return msgspec.convert(dict(row), ParticipantOut)


async def _admitted(conn: Connection, meeting_id: UUID) -> int:
    count: int = await conn.fetchval(
        "select count(*) from meet_participant where meeting_id = $1 and state = 'admitted'",
        meeting_id,
    )
    return count


async def _room_for_one(conn: Connection, meeting_id: UUID, mode: str, mesh_max: int) -> None:
    if mode == "mesh" and await _admitted(conn, meeting_id) >= mesh_max:
        conflict(f"the mesh meeting is full ({mesh_max} people)", limit=mesh_max)


async def join(
    conn: Connection, meeting_id: UUID, actor: str, name: str, mesh_max: int
) -> ParticipantOut:
    """Ask to join as ``actor``: admitted (the host, or no lobby) or waiting in the lobby.

    Asking again answers the same participant (a denied or removed one stays out).
    """
    meeting = await get_meeting(conn, meeting_id, "", lock=True)
    if meeting.status in ("ended", "cancelled"):
        conflict(f"the meeting is {meeting.status}", meeting_status=meeting.status)
    row = await conn.fetchrow(
        f"select {_COLUMNS} from meet_participant where meeting_id = $1 and actor = $2",
        meeting_id,
        actor,
    )
    if row is not None and row["state"] in ("lobby", "admitted", "denied", "removed"):
        return _out(row)
    if meeting.locked:
        conflict("the meeting is locked")
    state = "lobby" if meeting.lobby and actor != meeting.host else "admitted"
    if state == "admitted":
        await _room_for_one(conn, meeting_id, meeting.mode, mesh_max)
    if meeting.status == "scheduled" and state == "admitted":
        await conn.execute(
            "update meet_meeting set status = 'live', updated_at = now() where id = $1",
            meeting_id,
        )
    joined = await conn.fetchrow(
        "insert into meet_participant (id, meeting_id, actor, display_name, state) "
        "values ($1, $2, $3, $4, $5) on conflict (tenant_id, meeting_id, actor) do update "
        "set display_name = excluded.display_name, state = excluded.state, "
        f"updated_at = now() returning {_COLUMNS}",
        new_id(),
        meeting_id,
        actor,
        name,
        state,
    )
    return _out(joined)


async def list_participants(conn: Connection, meeting_id: UUID) -> list[ParticipantOut]:
    """The meeting's participants, in the order they asked to join (404: no meeting)."""
    await get_meeting(conn, meeting_id, "")
    rows = await conn.fetch(
        f"select {_COLUMNS} from meet_participant where meeting_id = $1 order by joined_at, id",
        meeting_id,
    )
    return [_out(row) for row in rows]


async def participant(conn: Connection, meeting_id: UUID, participant_id: UUID) -> ParticipantOut:
    """One participant of the meeting, or 404."""
    row = await conn.fetchrow(
        f"select {_COLUMNS} from meet_participant where meeting_id = $1 and id = $2",
        meeting_id,
        participant_id,
    )
    if row is None:
        not_found()
    return _out(row)


async def _set_state(conn: Connection, participant_id: UUID, state: str) -> ParticipantOut:
    row = await conn.fetchrow(
        f"update meet_participant set state = $2, updated_at = now() where id = $1 "
        f"returning {_COLUMNS}",
        participant_id,
        state,
    )
    return _out(row)


async def decide(
    conn: Connection,
    meeting_id: UUID,
    participant_id: UUID,
    admit: bool,
    actor: str | None,
    mesh_max: int,
) -> ParticipantOut:
    """Admit someone waiting in the lobby, or deny them (409 unless they are waiting)."""
    meeting = await get_meeting(conn, meeting_id, "", lock=True)
    if meeting.status in ("ended", "cancelled"):
        conflict(f"the meeting is {meeting.status}", meeting_status=meeting.status)
    who = await participant(conn, meeting_id, participant_id)
    if who.state != "lobby":
        conflict(f"the participant is not in the lobby ({who.state})", state=who.state)
    if admit:
        await _room_for_one(conn, meeting_id, meeting.mode, mesh_max)
        if meeting.status == "scheduled":
            await conn.execute(
                "update meet_meeting set status = 'live', updated_at = now() where id = $1",
                meeting_id,
            )
    await add_control(conn, meeting_id, "admit" if admit else "deny", participant_id, actor)
    return await _set_state(conn, participant_id, "admitted" if admit else "denied")


async def remove(
    conn: Connection, meeting_id: UUID, participant_id: UUID, actor: str | None
) -> ParticipantOut:
    """Remove a participant (admitted or waiting): they are disconnected and stay out."""
    await get_meeting(conn, meeting_id, "", lock=True)
    who = await participant(conn, meeting_id, participant_id)
    if who.state not in ("lobby", "admitted"):
        conflict(f"the participant is not in the meeting ({who.state})", state=who.state)
    await add_control(conn, meeting_id, "remove", participant_id, actor)
    return await _set_state(conn, participant_id, "removed")


async def mute_all(conn: Connection, meeting_id: UUID, actor: str | None) -> int:
    """Ask every participant to mute (clients honour it); the control's number."""
    meeting = await get_meeting(conn, meeting_id, "", lock=True)
    if meeting.status in ("ended", "cancelled"):
        conflict(f"the meeting is {meeting.status}", meeting_status=meeting.status)
    return await add_control(conn, meeting_id, "mute_all", None, actor)
