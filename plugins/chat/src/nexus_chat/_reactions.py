"""Reactions: an actor puts an emoji on a message, or takes it off; sockets hear it live.

``PUT /messages/{id}/reactions/{emoji}`` adds (again: no change), ``DELETE`` removes (absent:
no change); both answer the message with its ``reactions`` counted per emoji, publish
``chat.reaction.added.v1`` / ``chat.reaction.removed.v1`` when something changed, and send
the channel's sockets ``{"type": "reaction", "added", "actor", "emoji", "message"}``.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads the annotations

import msgspec
from litestar import Controller, delete, put
from litestar.params import FromPath, Parameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Context, Db, Events, not_found, route_opt

from nexus_chat import _store as store
from nexus_chat._hub import HUB, Note
from nexus_chat._keys import REACTION_ADDED, REACTION_REMOVED, WRITE, ReactionChanged
from nexus_chat._model import MessageOut  # noqa: TC001 - Litestar reads the annotations
from nexus_chat._notes import audience

__all__ = ("ReactionController",)

Emoji = Annotated[str, Parameter(min_length=1, max_length=64, pattern=r"^[^\s/]+$")]


class ReactionController(Controller):
    """An actor's emoji on a message."""

    path = "/messages/{message_id:uuid}/reactions/{emoji:str}"

    async def _change(
        self, db: Db, context: Context, events: Events, message_id: UUID, emoji: str, *, add: bool
    ) -> MessageOut:
        actor = context.actor
        if actor is None:  # pragma: no cover - tenant routes always have a caller
            not_found()
        async with db.transaction() as conn:
            channel_id, _ = await store.channel_of(conn, message_id)
            channel = await store.visible_channel(conn, channel_id, actor)
            if add:
                done = await conn.execute(
                    "insert into chat_reaction (id, message_id, actor, emoji) "
                    "values ($1, $2, $3, $4) on conflict do nothing",
                    new_id(),
                    message_id,
                    actor,
                    emoji,
                )
            else:
                done = await conn.execute(
                    "delete from chat_reaction where message_id = $1 and actor = $2 and emoji = $3",
                    message_id,
                    actor,
                    emoji,
                )
            changed = not done.endswith(" 0")
            if changed:
                await events.publish(
                    conn,
                    type=REACTION_ADDED if add else REACTION_REMOVED,
                    data=ReactionChanged(
                        message_id=message_id, channel_id=channel_id, actor=actor, emoji=emoji
                    ),
                    subject=str(channel_id),
                )
            message = await store.message(conn, message_id)
        if changed and context.tenant_id is not None:
            frame = {
                "type": "reaction",
                "added": add,
                "actor": actor,
                "emoji": emoji,
                "message": msgspec.to_builtins(message),
            }
            await HUB.publish(
                Note(tenant_id=context.tenant_id, frame=frame, audience=audience(channel))
            )
        return message

    @put("/", opt=route_opt(permission=WRITE), status_code=200)
    async def add(
        self,
        db: Db,
        context: Context,
        events: Events,
        message_id: FromPath[UUID],
        emoji: Emoji,
    ) -> MessageOut:
        """React to a message with an emoji (once per caller and emoji)."""
        return await self._change(db, context, events, message_id, emoji, add=True)

    @delete("/", opt=route_opt(permission=WRITE), status_code=200)
    async def remove(
        self,
        db: Db,
        context: Context,
        events: Events,
        message_id: FromPath[UUID],
        emoji: Emoji,
    ) -> MessageOut:
        """Take the caller's emoji off a message."""
        return await self._change(db, context, events, message_id, emoji, add=False)
