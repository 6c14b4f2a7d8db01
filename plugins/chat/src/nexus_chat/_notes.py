"""What a change of the chat says to the sockets, and the events it publishes."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from nexus_chat._hub import HUB, Note
from nexus_chat._keys import MESSAGE_POSTED, MessagePosted
from nexus_chat._store import mentions

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_chat._model import ChannelOut, MessageOut

__all__ = ("announce", "audience", "posted_event")


def audience(channel: ChannelOut) -> list[str] | None:
    """Who hears a channel's notes: its members, or (public) the whole tenant."""
    return None if channel.kind == "public" else channel.members


async def posted_event(conn: Connection, events: EventPublisher, message: MessageOut) -> None:
    """Publish ``chat.message.posted.v1`` (with its mentions) in the posting transaction."""
    await events.publish(
        conn,
        type=MESSAGE_POSTED,
        data=MessagePosted(
            id=message.id,
            channel_id=message.channel_id,
            thread_id=message.thread_id,
            author=message.author,
            body=message.body,
            mentions=mentions(message.body),
        ),
        subject=str(message.channel_id),
    )


async def announce(
    tenant_id: UUID | None, kind: str, channel: ChannelOut, message: MessageOut
) -> None:
    """Tell the channel's listeners, after the change has committed."""
    if tenant_id is None:
        return
    frame = {"type": kind, "message": msgspec.to_builtins(message)}
    await HUB.publish(Note(tenant_id=tenant_id, frame=frame, audience=audience(channel)))
