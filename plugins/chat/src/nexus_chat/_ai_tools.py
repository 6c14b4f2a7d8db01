"""Chat's tool for the tenant's assistants (``nexus_ai_tools``): post to a channel.

The message is posted as the user the assistant acts for (``ServiceContext.actor``, contract
0.1.7), through the code behind ``POST /channels/{id}/messages``: the channel must be one
that user sees (another's or another tenant's is 404), a thread must be of that channel,
and ``chat.message.posted.v1`` is published in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003 - msgspec reads the annotations

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl
from nexus_hookspecs.http import not_found

from nexus_chat import _store as store
from nexus_chat._keys import WRITE
from nexus_chat._model import Body
from nexus_chat._notes import announce, posted_event

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("PostMessage", "nexus_ai_tools")


class PostMessage(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A message to post in a channel, or as a reply in one of its threads."""

    channel_id: UUID
    body: Body
    thread_id: UUID | None = None


async def _post_message(data: PostMessage, ctx: ServiceContext) -> Any:
    author = ctx.actor
    if author is None:  # a tool always acts for someone; refuse rather than post anonymously
        not_found()
    channel = await store.visible_channel(ctx.conn, data.channel_id, author)
    message = await store.post(ctx.conn, data.channel_id, author, data.body, data.thread_id)
    await posted_event(ctx.conn, ctx.events, message)
    # Only the audit row follows in the tool's transaction: the sockets hear it now.
    await announce(ctx.tenant_id, "message", channel, message)
    return message


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer posting a message (a writing tool)."""
    register(
        Tool(
            name="chat.messages.post",
            description="Posts a message in a chat channel the user sees (or replies in one "
            "of its threads), as the user.",
            input=PostMessage,
            permission=WRITE,
            handler=_post_message,
            writes=True,
        )
    )
