"""The request and response bodies of Meet's routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

__all__ = (
    "IceConfig",
    "IceServer",
    "JoinIn",
    "MeetingIn",
    "MeetingOut",
    "MeetingPatch",
    "ParticipantOut",
    "SfuToken",
)

Title = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Invitees = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=1, max_length=320)]],
    msgspec.Meta(max_length=200),
]


class MeetingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A meeting to schedule, or a room to open now (no ``starts_at``).

    ``mode``: ``mesh`` (peer to peer, up to ``mesh_max`` people) or ``sfu`` (handed to the
    tenant's LiveKit or Jitsi). ``lobby``: whether people wait for the host to admit them.
    """

    title: Title
    starts_at: datetime | None = None
    ends_at: datetime | None = None
    mode: Literal["mesh", "sfu"] = "mesh"
    lobby: bool = True
    invitees: Invitees = []


class MeetingPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What may change of a meeting (fields left out stay as they are)."""

    title: Title | msgspec.UnsetType = msgspec.UNSET
    starts_at: datetime | None | msgspec.UnsetType = msgspec.UNSET
    ends_at: datetime | None | msgspec.UnsetType = msgspec.UNSET
    lobby: bool | msgspec.UnsetType = msgspec.UNSET
    invitees: Invitees | msgspec.UnsetType = msgspec.UNSET


class MeetingOut(msgspec.Struct, kw_only=True):
    """A meeting as the API shows it."""

    id: UUID
    title: str
    host: str
    starts_at: datetime | None
    ends_at: datetime | None
    mode: str
    lobby: bool
    locked: bool
    status: str
    invitees: list[str]
    join_url: str
    created_at: datetime
    updated_at: datetime


class JoinIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Asking to join: the name the others see."""

    display_name: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]


class ParticipantOut(msgspec.Struct, kw_only=True):
    """Someone in (or waiting for) a meeting.

    ``state``: ``lobby``, ``admitted``, ``denied``, ``removed`` or ``left``.
    """

    id: UUID
    meeting_id: UUID
    actor: str
    display_name: str
    state: str
    joined_at: datetime


class IceServer(msgspec.Struct, kw_only=True, omit_defaults=True):
    """One entry of ``RTCConfiguration.iceServers``."""

    urls: list[str]
    username: str | None = None
    credential: str | None = None


class IceConfig(msgspec.Struct, kw_only=True):
    """The ``iceServers`` to give ``RTCPeerConnection``, and until when they are valid."""

    ice_servers: list[IceServer]
    expires_at: datetime | None


class SfuToken(msgspec.Struct, kw_only=True):
    """What a client needs to join the meeting's room at the SFU."""

    provider: str
    url: str
    room: str
    token: str
    expires_at: datetime
