"""``/meetings/{meeting_id}/signal``: WebRTC signaling over WebSocket for mesh meetings.

The participant (who joined through ``POST …/join``) connects with its credential. Waiting
in the lobby it gets ``{"type": "lobby"}`` and then ``admitted`` or ``denied``. Admitted, it
gets ``welcome`` (its id, the peers already there, the ICE servers) and the others get
``peer-joined``; it then sends ``offer``, ``answer`` and ``candidate`` messages with ``to``
(a participant id), relayed with ``from`` to that peer of the same meeting only. Host
controls arrive as ``mute-all``, ``locked``/``unlocked``, ``removed`` and ``ended``.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from uuid import UUID

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath  # noqa: TC002 - Litestar reads the signature
from nexus_hookspecs.http import Context, Db, TenantSettings, route_opt

from nexus_meet._hub import CLOSE, HUB, Peer
from nexus_meet._ice import ice_config
from nexus_meet._keys import MEETINGS_WRITE
from nexus_meet._settings import MeetSettings  # noqa: TC001 - Litestar reads it

__all__ = ("signal",)

_RELAYED = frozenset({"offer", "answer", "candidate"})


async def _participant(db: Db, meeting_id: UUID, actor: str) -> Any:
    async with db.transaction() as conn:
        meeting = await conn.fetchrow("select status from meet_meeting where id = $1", meeting_id)
        if meeting is None:
            return None, None
        row = await conn.fetchrow(
            "select id, display_name, state from meet_participant "
            "where meeting_id = $1 and actor = $2",
            meeting_id,
            actor,
        )
        return meeting, row


async def _pump(socket: WebSocket[Any, Any, Any], peer: Peer) -> None:
    while True:
        message = await peer.queue.get()
        if message is CLOSE:
            await socket.close()
            return
        await socket.send_json(message)


@websocket("/meetings/{meeting_id:uuid}/signal", opt=route_opt(permission=MEETINGS_WRITE))
async def signal(
    socket: WebSocket[Any, Any, Any],
    db: Db,
    context: Context,
    settings: TenantSettings[MeetSettings],
    meeting_id: FromPath[UUID],
) -> None:
    """Relay a mesh meeting's offers, answers and ICE candidates; deliver host controls."""
    tenant, actor = context.tenant_id, str(context.actor)
    assert tenant is not None  # a tenant route
    meeting, row = await _participant(db, meeting_id, actor)
    if meeting is None:
        await socket.close(code=4404, reason="no such meeting")
        return
    if (
        row is None
        or row["state"] not in ("lobby", "admitted")
        or meeting["status"] not in ("scheduled", "live")
    ):
        await socket.close(code=4409, reason="join the meeting first")
        return
    await socket.accept()
    peer = Peer(id=row["id"], name=row["display_name"], admitted=row["state"] == "admitted")
    HUB.enter(tenant, meeting_id, peer)
    if peer.admitted:
        _welcome(tenant, meeting_id, peer, settings, actor)
    else:
        peer.queue.put_nowait({"type": "lobby", "id": str(peer.id)})
    pump = asyncio.create_task(_pump(socket, peer))
    try:
        while not pump.done():
            received = asyncio.ensure_future(socket.receive_json())
            await asyncio.wait({received, pump}, return_when=asyncio.FIRST_COMPLETED)
            if not received.done():
                received.cancel()
                break
            _relay(tenant, meeting_id, peer, received.result())
    except (WebSocketDisconnect, msgspec.DecodeError, ValueError):
        pass
    finally:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pump
        if HUB.leave(tenant, meeting_id, peer) and peer.admitted:
            HUB.broadcast(tenant, meeting_id, {"type": "peer-left", "id": str(peer.id)})
            async with db.transaction() as conn:
                await conn.execute(
                    "update meet_participant set state = 'left', updated_at = now() "
                    "where id = $1 and state = 'admitted'",
                    peer.id,
                )


def _welcome(
    tenant: UUID, meeting_id: UUID, peer: Peer, settings: MeetSettings, actor: str
) -> None:
    others = [p for p in HUB.peers(tenant, meeting_id) if p.id != peer.id]
    ice = msgspec.to_builtins(ice_config(settings, actor))
    peer.queue.put_nowait(
        {
            "type": "welcome",
            "id": str(peer.id),
            "peers": [{"id": str(p.id), "name": p.name} for p in others],
            "ice_servers": ice["ice_servers"],
        }
    )
    HUB.broadcast(
        tenant,
        meeting_id,
        {"type": "peer-joined", "id": str(peer.id), "name": peer.name},
        but=peer.id,
    )


def _relay(tenant: UUID, meeting_id: UUID, peer: Peer, message: Any) -> None:
    if not isinstance(message, dict) or message.get("type") not in _RELAYED:
        peer.queue.put_nowait({"type": "error", "detail": "offer, answer or candidate"})
        return
    if not peer.admitted:
        peer.queue.put_nowait({"type": "error", "detail": "waiting in the lobby"})
        return
    try:
        to = UUID(str(message.get("to")))
    except ValueError:
        to = None
    others = HUB.peers(tenant, meeting_id)
    target = next((p for p in others if p.id == to and p.id != peer.id), None)
    if target is None:
        peer.queue.put_nowait({"type": "error", "detail": "no such peer in the meeting"})
        return
    target.queue.put_nowait({**message, "from": str(peer.id)})


def admitted(tenant: UUID, meeting_id: UUID, participant: UUID, settings: MeetSettings) -> None:
    """The host admitted ``participant`` from the lobby: welcome it if it is connected."""
    room = HUB.rooms.get((tenant, meeting_id), {})
    peer = room.get(participant)
    if peer is not None and not peer.admitted:
        peer.admitted = True
        peer.queue.put_nowait({"type": "admitted"})
        _welcome(tenant, meeting_id, peer, settings, str(participant))
