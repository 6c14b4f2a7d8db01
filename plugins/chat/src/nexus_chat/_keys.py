"""Chat's permissions and event types."""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "ADMIN",
    "MESSAGE_DELETED",
    "MESSAGE_EDITED",
    "MESSAGE_POSTED",
    "REACTION_ADDED",
    "REACTION_REMOVED",
    "READ",
    "WRITE",
    "MessageChanged",
    "MessagePosted",
    "ReactionChanged",
)

READ = "chat.messages:read"
WRITE = "chat.messages:write"
ADMIN = "chat.channels:admin"


class MessagePosted(msgspec.Struct, kw_only=True):
    """A message was posted; ``mentions`` are the actors it names (``@user:…``)."""

    id: UUID
    channel_id: UUID
    thread_id: UUID | None
    author: str
    body: str
    mentions: list[str]


class MessageChanged(msgspec.Struct, kw_only=True):
    """A message was edited or deleted (its earlier text kept in its history)."""

    id: UUID
    channel_id: UUID
    by: str


MESSAGE_POSTED = EventType(
    type="chat.message.posted.v1", description="A message was posted.", payload=MessagePosted
)
MESSAGE_EDITED = EventType(
    type="chat.message.edited.v1", description="A message was edited.", payload=MessageChanged
)
MESSAGE_DELETED = EventType(
    type="chat.message.deleted.v1", description="A message was deleted.", payload=MessageChanged
)


class ReactionChanged(msgspec.Struct, kw_only=True):
    """``actor`` added or removed ``emoji`` on a message."""

    message_id: UUID
    channel_id: UUID
    actor: str
    emoji: str


REACTION_ADDED = EventType(
    type="chat.reaction.added.v1",
    description="An emoji reaction was added to a message.",
    payload=ReactionChanged,
)
REACTION_REMOVED = EventType(
    type="chat.reaction.removed.v1",
    description="An emoji reaction was removed from a message.",
    payload=ReactionChanged,
)
