"""Request and response bodies."""

from __future__ import annotations

from datetime import datetime  # noqa: TC003 - msgspec reads the annotations
from typing import Annotated, Literal
from uuid import UUID  # noqa: TC003 - msgspec reads the annotations

import msgspec
from nexus_hookspecs.http import Multiline

__all__ = (
    "ChannelIn",
    "ChannelOut",
    "DirectIn",
    "EditIn",
    "EditOut",
    "ReadIn",
    "MessageIn",
    "MessageOut",
    "ReactionCount",
)

Actor = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[Multiline, msgspec.Meta(min_length=1, max_length=4000)]


class ChannelIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new public or private channel; its creator is a member, ``members`` too."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[^\s#@][^#@]*$")]
    kind: Literal["public", "private"] = "public"
    members: Annotated[list[Actor], msgspec.Meta(max_length=500)] = []


class DirectIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A direct conversation between the caller and ``members``."""

    members: Annotated[list[Actor], msgspec.Meta(min_length=1, max_length=20)]


class ChannelOut(msgspec.Struct, kw_only=True):
    id: UUID
    kind: str
    name: str | None
    created_by: str
    created_at: datetime
    members: list[str]
    unread: int = 0


class MessageIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A message; ``thread_id`` names the first message of the thread it answers."""

    body: Body
    thread_id: UUID | None = None
    attachments: Annotated[list[UUID], msgspec.Meta(max_length=10)] = []
    """Drive file ids the message carries (checked with Drive's ``drive.files.get``)."""


class ReactionCount(msgspec.Struct, kw_only=True):
    """How many actors reacted to a message with ``emoji``."""

    emoji: str
    count: int


class MessageOut(msgspec.Struct, kw_only=True):
    id: UUID
    channel_id: UUID
    thread_id: UUID | None
    author: str
    body: str
    created_at: datetime
    edited_at: datetime | None
    deleted_at: datetime | None
    attachments: list[UUID] = []
    reactions: list[ReactionCount] = []


class ReadIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The last message the caller has read in the channel."""

    message_id: UUID


class EditIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    body: Body


class EditOut(msgspec.Struct, kw_only=True):
    """An earlier text of a message, replaced by an edit or a delete."""

    body: str
    replaced_at: datetime
