"""``/meetings``: schedule, list, show, change and cancel meetings; ICE and SFU access."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, delete, get, patch, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    Limit,
    TenantSettings,
    conflict,
    route_opt,
)

from nexus_meet._examples import body
from nexus_meet._fanout import Note
from nexus_meet._ice import ice_config
from nexus_meet._keys import MEETINGS_READ, MEETINGS_WRITE
from nexus_meet._meetings import (
    cancel_meeting,
    create_meeting,
    get_meeting,
    list_meetings,
    update_meeting,
)
from nexus_meet._models import IceConfig, MeetingIn, MeetingOut, MeetingPatch, SfuToken
from nexus_meet._participants import list_participants
from nexus_meet._room import tell
from nexus_meet._settings import MeetSettings
from nexus_meet._sfu import room_name, sfu_token

__all__ = ("MeetingController",)

Status = Literal["scheduled", "live", "ended", "cancelled"]


class MeetingController(Controller):
    """The tenant's meetings."""

    path = "/meetings"
    tags = ["meet: meetings"]
    opt = route_opt(permission=MEETINGS_READ)

    @post("/", opt=route_opt(permission=MEETINGS_WRITE))
    async def create(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[MeetSettings],
        data: Annotated[MeetingIn, body("POST /meetings", "A scheduled meeting")],
    ) -> MeetingOut:
        """Schedule a meeting (or open a room now: no ``starts_at``), hosted by the caller.

        Publishes ``meet.meeting.scheduled.v1`` with the join link, for a calendar to add.
        """
        async with db.transaction() as conn:
            return await create_meeting(
                conn, events, data, str(context.actor), settings.public_base_url
            )

    @get("/")
    async def list_all(
        self,
        db: Db,
        settings: TenantSettings[MeetSettings],
        status: FromQuery[Status | None] = None,
        limit: Limit = 50,
    ) -> list[MeetingOut]:
        """The tenant's meetings, the most recently scheduled first; ``status`` narrows them."""
        async with db.transaction() as conn:
            return await list_meetings(conn, settings.public_base_url, status, limit)

    @get("/{meeting_id:uuid}")
    async def show(
        self, db: Db, settings: TenantSettings[MeetSettings], meeting_id: FromPath[UUID]
    ) -> MeetingOut:
        """One meeting."""
        async with db.transaction() as conn:
            return await get_meeting(conn, meeting_id, settings.public_base_url)

    @patch("/{meeting_id:uuid}", opt=route_opt(permission=MEETINGS_WRITE))
    async def change(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
        data: Annotated[MeetingPatch, body("PATCH /meetings/{meeting_id}", "A new title")],
    ) -> MeetingOut:
        """Change a meeting's title, time, lobby or invitees (409 once it is over).

        Publishes ``meet.meeting.updated.v1``.
        """
        async with db.transaction() as conn:
            return await update_meeting(conn, events, meeting_id, data, settings.public_base_url)

    @delete("/{meeting_id:uuid}", opt=route_opt(permission=MEETINGS_WRITE))
    async def cancel(
        self,
        db: Db,
        events: Events,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
    ) -> None:
        """Cancel a meeting (409 once it is over); publishes ``meet.meeting.cancelled.v1``."""
        async with db.transaction() as conn:
            await cancel_meeting(conn, events, meeting_id, settings.public_base_url)
        assert context.tenant_id is not None  # a tenant route
        cancelled = {"type": "cancelled"}
        await tell(
            db, Note(kind="close", tenant=context.tenant_id, meeting=meeting_id, message=cancelled)
        )

    @get("/{meeting_id:uuid}/ice")
    async def ice(
        self,
        db: Db,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
    ) -> IceConfig:
        """The ``iceServers`` for ``RTCPeerConnection``: STUN, and TURN with a credential.

        The TURN credential follows the TURN REST API (coturn's ``use-auth-secret``) and
        expires after ``turn_ttl_seconds``.
        """
        async with db.transaction() as conn:
            await get_meeting(conn, meeting_id, "")
        return ice_config(settings, str(context.actor))

    @get(
        "/{meeting_id:uuid}/sfu-token",
        responses={
            409: ResponseSpec(
                None, description="A mesh meeting, no SFU set, or the caller is not admitted"
            )
        },
    )
    async def sfu(
        self,
        db: Db,
        context: Context,
        settings: TenantSettings[MeetSettings],
        meeting_id: FromPath[UUID],
    ) -> SfuToken:
        """A token joining the meeting's room at the tenant's SFU (LiveKit or Jitsi).

        Only for an ``sfu`` meeting, and for a participant the meeting admitted (409
        otherwise); the host's token carries the SFU's admin or moderator right.
        """
        actor = str(context.actor)
        async with db.transaction() as conn:
            meeting = await get_meeting(conn, meeting_id, "")
            people = await list_participants(conn, meeting_id)
        if meeting.mode != "sfu":
            conflict("the meeting is a mesh meeting: it is joined through Nexus signaling")
        me = next((p for p in people if p.actor == actor and p.state == "admitted"), None)
        if me is None:
            conflict("join the meeting (and be admitted) first")
        return sfu_token(
            settings,
            room=room_name(context.tenant_id, meeting_id),
            identity=actor,
            name=me.display_name,
            host=actor == meeting.host,
        )
