"""``/meetings/{meeting_id}/…``: joining through the lobby, and the host's controls."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import Context, Db, Events, TenantSettings, route_opt

from nexus_meet._examples import body
from nexus_meet._fanout import Note
from nexus_meet._keys import MEETINGS_HOST, MEETINGS_READ, MEETINGS_WRITE
from nexus_meet._meetings import end_meeting, lock_meeting
from nexus_meet._models import JoinIn, MeetingOut, ParticipantOut
from nexus_meet._participants import decide, join, list_participants, mute_all, remove
from nexus_meet._room import tell
from nexus_meet._settings import MeetSettings

__all__ = ("ParticipantController",)

_HOST = route_opt(permission=MEETINGS_HOST)


class ControlOut(msgspec.Struct, kw_only=True):
    """A host control recorded for the participants: its number in the meeting."""

    seq: int


async def _tell(
    db: Db,
    context: Context,
    meeting_id: UUID,
    kind: str,
    *,
    to: UUID | None = None,
    message: dict[str, Any] | None = None,
) -> None:
    """Tell the meeting's connected peers, on every process, once the change committed."""
    tenant = context.tenant_id
    assert tenant is not None  # tenant routes only
    await tell(db, Note(kind=kind, tenant=tenant, meeting=meeting_id, to=to, message=message))


class ParticipantController(Controller):
    """Participants of a meeting, the lobby and host controls."""

    path = "/meetings/{meeting_id:uuid}"
    tags = ["meet: participants"]
    opt = route_opt(permission=MEETINGS_READ)

    @post("/join", status_code=200, opt=route_opt(permission=MEETINGS_WRITE))
    async def join(
        self,
        db: Db,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
        data: Annotated[JoinIn, body("POST /meetings/{meeting_id}/join", "Ada joins")],
    ) -> ParticipantOut:
        """Ask to join, through the lobby.

        The host, or anyone when there is no lobby, is admitted at once; others wait in
        the lobby. 409: the meeting is locked, over, or a full mesh.
        """
        async with db.transaction() as conn:
            return await join(
                conn, meeting_id, str(context.actor), data.display_name, settings.mesh_max
            )

    @get("/participants")
    async def participants(self, db: Db, meeting_id: FromPath[UUID]) -> list[ParticipantOut]:
        """Who is in the meeting, waiting in its lobby, or was let out."""
        async with db.transaction() as conn:
            return await list_participants(conn, meeting_id)

    @post("/participants/{participant_id:uuid}/admit", status_code=200, opt=_HOST)
    async def admit(
        self,
        db: Db,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
        participant_id: FromPath[UUID],
    ) -> ParticipantOut:
        """Admit someone from the lobby (409: not waiting, or a full mesh)."""
        async with db.transaction() as conn:
            done = await decide(
                conn, meeting_id, participant_id, True, context.actor, settings.mesh_max
            )
        await _tell(db, context, meeting_id, "admitted", to=participant_id)
        return done

    @post("/participants/{participant_id:uuid}/deny", status_code=200, opt=_HOST)
    async def deny(
        self, db: Db, context: Context, meeting_id: FromPath[UUID], participant_id: FromPath[UUID]
    ) -> ParticipantOut:
        """Turn someone in the lobby away (409: not waiting)."""
        async with db.transaction() as conn:
            done = await decide(conn, meeting_id, participant_id, False, context.actor, 0)
        await _tell(db, context, meeting_id, "close", to=participant_id, message={"type": "denied"})
        return done

    @delete("/participants/{participant_id:uuid}", opt=_HOST)
    async def remove(
        self, db: Db, context: Context, meeting_id: FromPath[UUID], participant_id: FromPath[UUID]
    ) -> None:
        """Remove a participant: disconnected, and kept out (409: not in the meeting)."""
        async with db.transaction() as conn:
            await remove(conn, meeting_id, participant_id, context.actor)
        await _tell(
            db, context, meeting_id, "close", to=participant_id, message={"type": "removed"}
        )

    @post("/mute-all", status_code=200, opt=_HOST)
    async def mute_all(self, db: Db, context: Context, meeting_id: FromPath[UUID]) -> ControlOut:
        """Ask every participant to mute their microphone (their clients do it)."""
        async with db.transaction() as conn:
            seq = await mute_all(conn, meeting_id, context.actor)
        await _tell(db, context, meeting_id, "broadcast", message={"type": "mute-all", "seq": seq})
        return ControlOut(seq=seq)

    @post("/lock", status_code=200, opt=_HOST)
    async def lock(
        self,
        db: Db,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
    ) -> MeetingOut:
        """Lock the meeting: nobody new may join or wait in the lobby."""
        async with db.transaction() as conn:
            done = await lock_meeting(
                conn, meeting_id, True, context.actor, settings.public_base_url
            )
        await _tell(db, context, meeting_id, "broadcast", message={"type": "locked"})
        return done

    @post("/unlock", status_code=200, opt=_HOST)
    async def unlock(
        self,
        db: Db,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
    ) -> MeetingOut:
        """Unlock the meeting."""
        async with db.transaction() as conn:
            done = await lock_meeting(
                conn, meeting_id, False, context.actor, settings.public_base_url
            )
        await _tell(db, context, meeting_id, "broadcast", message={"type": "unlocked"})
        return done

    @post("/end", status_code=200, opt=_HOST)
    async def end(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
    ) -> MeetingOut:
        """End the meeting for everyone; publishes ``meet.meeting.ended.v1``."""
        async with db.transaction() as conn:
            done = await end_meeting(
                conn, events, meeting_id, context.actor, settings.public_base_url
            )
        await _tell(db, context, meeting_id, "close", message={"type": "ended"})
        return done
