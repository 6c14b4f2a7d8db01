"""``/ws``: real-time chat over WebSocket (the kernel's gate admits the handshake).

The client sends JSON frames: ``{"type": "post", "channel_id", "body", "thread_id"?,
"attachments"?}`` posts
a message (each in a transaction of its own), ``{"type": "typing", "channel_id"}`` tells
the channel's other listeners. The server sends ``hello`` (the caller and who is online),
``presence`` (an actor came or went), ``message``, ``edited``, ``deleted``, ``typing`` and
``error`` (``status`` and ``detail`` of a refused frame; the socket stays open).
"""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import HTTPException, WebSocketDisconnect
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Context, Db, Events, Services, route_opt

from nexus_chat import _store as store
from nexus_chat._attachments import check_attachments
from nexus_chat._hub import HUB, Note
from nexus_chat._keys import READ
from nexus_chat._notes import announce, audience, posted_event

__all__ = ("chat_socket",)

_Body = Annotated[str, msgspec.Meta(min_length=1, max_length=4000)]


class Post(msgspec.Struct, tag="post", kw_only=True, forbid_unknown_fields=True):
    channel_id: UUID
    body: _Body
    thread_id: UUID | None = None
    attachments: Annotated[list[UUID], msgspec.Meta(max_length=10)] = []


class Typing(msgspec.Struct, tag="typing", kw_only=True, forbid_unknown_fields=True):
    channel_id: UUID


_FRAMES = msgspec.json.Decoder(Post | Typing)


async def _online(db: Db) -> list[str]:
    async with db.transaction() as conn:
        rows = await conn.fetch("select distinct actor from chat_presence order by actor")
    return [row["actor"] for row in rows]


async def _arrive(db: Db, connection_id: UUID, actor: str) -> bool:
    """Record the connection; whether the actor was offline until now."""
    async with db.transaction() as conn:
        before = await conn.fetchval("select count(*) from chat_presence where actor = $1", actor)
        await conn.execute(
            "insert into chat_presence (id, actor) values ($1, $2)", connection_id, actor
        )
    return not before


async def _depart(db: Db, connection_id: UUID, actor: str) -> bool:
    """Forget the connection; whether the actor has no other one left."""
    async with db.transaction() as conn:
        await conn.execute("delete from chat_presence where id = $1", connection_id)
        left = await conn.fetchval("select count(*) from chat_presence where actor = $1", actor)
    return not left


async def _handle(
    frame: Post | Typing, db: Db, events: Events, services: Services, context: Context, actor: str
) -> None:
    tenant_id = context.tenant_id
    if isinstance(frame, Typing):
        async with db.transaction() as conn:
            channel = await store.visible_channel(conn, frame.channel_id, actor)
        if tenant_id is not None:
            typing = {"type": "typing", "channel_id": str(channel.id), "actor": actor}
            note = Note(tenant_id=tenant_id, frame=typing, audience=audience(channel), skip=actor)
            await HUB.publish(note)
        return
    async with db.transaction() as conn:
        channel = await store.visible_channel(conn, frame.channel_id, actor)
        await check_attachments(conn, services, frame.attachments)
        message = await store.post(
            conn, channel.id, actor, frame.body, frame.thread_id, frame.attachments
        )
        await posted_event(conn, events, message)
    await announce(tenant_id, "message", channel, message)


async def _presence(tenant_id: UUID, actor: str, *, online: bool) -> None:
    frame = {"type": "presence", "actor": actor, "online": online}
    await HUB.publish(Note(tenant_id=tenant_id, frame=frame, skip=actor))  # hello says it


@websocket("/ws", opt=route_opt(permission=READ))
async def chat_socket(
    socket: WebSocket[Any, Any, Any],
    db: Db,
    events: Events,
    services: Services,
    context: Context,
) -> None:
    """Real-time chat: presence, typing, and every message of the caller's channels."""
    tenant_id, actor = context.tenant_id, context.actor
    if tenant_id is None or actor is None:  # pragma: no cover - the gate admits neither
        await socket.close(code=4403)
        return
    await socket.accept()
    connection_id = new_id()
    HUB.join(tenant_id, socket, actor)
    try:
        if await _arrive(db, connection_id, actor):
            await _presence(tenant_id, actor, online=True)
        await socket.send_json({"type": "hello", "actor": actor, "online": await _online(db)})
        while True:
            raw = await socket.receive_data(mode="text")
            try:
                await _handle(_FRAMES.decode(raw), db, events, services, context, actor)
            except msgspec.ValidationError as exc:
                await socket.send_json({"type": "error", "status": 422, "detail": str(exc)})
            except HTTPException as exc:
                await socket.send_json(
                    {"type": "error", "status": exc.status_code, "detail": exc.detail}
                )
    except WebSocketDisconnect:
        pass
    finally:
        HUB.leave(tenant_id, socket)
        if await _depart(db, connection_id, actor):
            await _presence(tenant_id, actor, online=False)
