"""Chat's services (``nexus_services``): a bot posts into a channel for a user.

``chat.messages.post`` is how another plugin speaks in Chat, as the AI assistant answers a
mention: the message's author is ``bot:<bot>`` (as an incoming webhook's), and the channel is
looked up as ``for_actor`` sees it, so a bot answering a user can only post where that user
reads (another's private channel, another tenant's, is 404). The posted event is published
in the caller's transaction and the channel's sockets hear the message as any other post.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID  # noqa: TC003 - msgspec reads the annotations

import msgspec
from nexus_hookspecs import Service, ServiceContext

from nexus_chat import _store as store
from nexus_chat._model import Actor, Body, MessageOut
from nexus_chat._notes import announce, posted_event

__all__ = ("SERVICES", "BotPost")

BotName = Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[a-z0-9_-]+$")]


class BotPost(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A bot's message in a channel (or a reply in one of its threads), for a user."""

    channel_id: UUID
    body: Body
    bot: BotName
    for_actor: Actor
    thread_id: UUID | None = None


async def post_as_bot(data: BotPost, ctx: ServiceContext) -> MessageOut:
    """Post ``data.body`` as ``bot:<bot>`` where ``for_actor`` sees the channel."""
    channel = await store.visible_channel(ctx.conn, data.channel_id, data.for_actor)
    message = await store.post(ctx.conn, channel.id, f"bot:{data.bot}", data.body, data.thread_id)
    await posted_event(ctx.conn, ctx.events, message)
    # Sockets hear it now, as the assistant tool's posts: the caller's commit follows.
    await announce(ctx.tenant_id, "message", channel, message)
    return message


SERVICES = (
    Service(
        name="chat.messages.post",
        handler=post_as_bot,
        request=BotPost,
        response=MessageOut,
        description=(
            "Posts a message as bot:<bot> in a channel (or a thread of it) that for_actor "
            "sees, publishing chat.message.posted.v1; 404 for a channel that user does not see."
        ),
    ),
)
