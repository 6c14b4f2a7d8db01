"""The HTTP routes: channels, direct conversations, messages, edits, deletes, history."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads the annotations

from litestar import Controller, delete, get, patch, post, put
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import Context, Db, Events, Services, not_found, route_opt

from nexus_chat import _store as store
from nexus_chat._attachments import check_attachments
from nexus_chat._examples import body
from nexus_chat._keys import ADMIN, MESSAGE_DELETED, MESSAGE_EDITED, READ, WRITE, MessageChanged
from nexus_chat._model import (
    ChannelIn,
    ChannelOut,
    DirectIn,
    EditIn,
    EditOut,
    MessageIn,
    MessageOut,
    ReadIn,
)
from nexus_chat._notes import announce, posted_event

__all__ = ("ChannelController", "MessageController", "search")


def _actor(context: Context) -> str:
    if context.actor is None:  # pragma: no cover - tenant routes always have a caller
        not_found()
    return context.actor


class ChannelController(Controller):
    """Channels and their messages."""

    path = "/channels"

    @post("/", opt=route_opt(permission=ADMIN), status_code=201)
    async def create(
        self,
        db: Db,
        context: Context,
        data: Annotated[ChannelIn, body("POST /channels", "A channel")],
    ) -> ChannelOut:
        """Create a public or private channel (409 when its name is taken)."""
        async with db.transaction() as conn:
            return await store.create_channel(
                conn, kind=data.kind, name=data.name, creator=_actor(context), members=data.members
            )

    @post("/direct", opt=route_opt(permission=WRITE), status_code=201)
    async def direct(
        self,
        db: Db,
        context: Context,
        data: Annotated[DirectIn, body("POST /channels/direct", "A conversation")],
    ) -> ChannelOut:
        """Open a direct conversation between the caller and ``members``."""
        async with db.transaction() as conn:
            return await store.create_channel(
                conn, kind="direct", name=None, creator=_actor(context), members=data.members
            )

    @get("/", opt=route_opt(permission=READ))
    async def list_channels(self, db: Db, context: Context) -> list[ChannelOut]:
        """The public channels and those the caller is a member of."""
        async with db.transaction() as conn:
            return await store.list_channels(conn, _actor(context))

    @get("/{channel_id:uuid}/messages", opt=route_opt(permission=READ))
    async def messages(
        self,
        db: Db,
        context: Context,
        channel_id: FromPath[UUID],
        after: Annotated[UUID | None, QueryParameter()] = None,
        limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50,
    ) -> list[MessageOut]:
        """The channel's messages in order, after the message ``after`` (to catch up)."""
        async with db.transaction() as conn:
            await store.visible_channel(conn, channel_id, _actor(context))
            return await store.messages(conn, channel_id, after=after, limit=limit)

    @post("/{channel_id:uuid}/messages", opt=route_opt(permission=WRITE), status_code=201)
    async def post_message(
        self,
        db: Db,
        context: Context,
        events: Events,
        services: Services,
        channel_id: FromPath[UUID],
        data: Annotated[MessageIn, body("POST /channels/{channel_id}/messages", "A message")],
    ) -> MessageOut:
        """Post a message (a reply when ``thread_id`` is given); its sockets hear it.

        ``attachments`` are Drive file ids (422 for one Drive does not know; 409 with
        ``blocking=["drive"]`` when Drive is off for the tenant).
        """
        async with db.transaction() as conn:
            channel = await store.visible_channel(conn, channel_id, _actor(context))
            await check_attachments(conn, services, data.attachments)
            message = await store.post(
                conn, channel_id, _actor(context), data.body, data.thread_id, data.attachments
            )
            await posted_event(conn, events, message)
        await announce(context.tenant_id, "message", channel, message)
        return message

    @put("/{channel_id:uuid}/read", opt=route_opt(permission=READ), status_code=200)
    async def mark_read(
        self,
        db: Db,
        context: Context,
        channel_id: FromPath[UUID],
        data: Annotated[ReadIn, body("PUT /channels/{channel_id}/read", "Read up to here")],
    ) -> ChannelOut:
        """Mark the channel read up to a message (members only); answers its unread count."""
        actor = _actor(context)
        async with db.transaction() as conn:
            await store.visible_channel(conn, channel_id, actor)
            await store.mark_read(conn, channel_id, actor, data.message_id)
            return await store.visible_channel(conn, channel_id, actor)


@get("/search", opt=route_opt(permission=READ))
async def search(
    db: Db,
    context: Context,
    q: Annotated[str, QueryParameter(min_length=1, max_length=200)],
    limit: Annotated[int, QueryParameter(ge=1, le=100)] = 20,
) -> list[MessageOut]:
    """Messages of the channels the caller sees matching ``q``, newest first (full text)."""
    async with db.transaction() as conn:
        return await store.search(conn, _actor(context), q, limit)


class MessageController(Controller):
    """One message: edit, delete, history."""

    path = "/messages/{message_id:uuid}"

    async def _change(
        self, db: Db, context: Context, events: Events, message_id: UUID, text: str | None
    ) -> MessageOut:
        actor = _actor(context)
        async with db.transaction() as conn:
            channel_id, author = await store.channel_of(conn, message_id)
            channel = await store.visible_channel(conn, channel_id, actor)
            if author != actor:
                not_found()  # another's message: as if it were not there to change
            message = await store.replace(conn, message_id, text)
            await events.publish(
                conn,
                type=MESSAGE_DELETED if text is None else MESSAGE_EDITED,
                data=MessageChanged(id=message_id, channel_id=channel_id, by=actor),
            )
        await announce(context.tenant_id, "deleted" if text is None else "edited", channel, message)
        return message

    @patch("/", opt=route_opt(permission=WRITE))
    async def edit(
        self,
        db: Db,
        context: Context,
        events: Events,
        message_id: FromPath[UUID],
        data: Annotated[EditIn, body("PATCH /messages/{message_id}", "Corrected")],
    ) -> MessageOut:
        """Edit one's own message; the earlier text stays in its history."""
        return await self._change(db, context, events, message_id, data.body)

    @delete("/", opt=route_opt(permission=WRITE), status_code=200)
    async def remove(
        self, db: Db, context: Context, events: Events, message_id: FromPath[UUID]
    ) -> MessageOut:
        """Delete one's own message: its text leaves the channel, kept in its history."""
        return await self._change(db, context, events, message_id, None)

    @get("/history", opt=route_opt(permission=READ))
    async def history(self, db: Db, context: Context, message_id: FromPath[UUID]) -> list[EditOut]:
        """The texts the message had before each edit or delete, oldest first."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select channel_id from chat_message where id = $1", message_id
            )
            if row is None:
                not_found()
            await store.visible_channel(conn, row["channel_id"], _actor(context))
            return await store.history(conn, message_id)
