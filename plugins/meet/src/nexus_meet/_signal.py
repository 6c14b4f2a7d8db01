"""``/meetings/{meeting_id}/signal``: WebRTC signaling over WebSocket for mesh meetings.

The participant (who joined through ``POST …/join``) connects with its credential. Waiting
in the lobby it gets ``{"type": "lobby"}`` and then ``admitted`` or ``denied``. Admitted, it
gets ``welcome`` (its id, the peers already there, the ICE servers) and the others get
``peer-joined``; it then sends ``offer``, ``answer`` and ``candidate`` messages with ``to``
(a participant id), relayed with ``from`` to that peer of the same meeting only. Host
controls arrive as ``mute-all``, ``locked``/``unlocked``, ``removed`` and ``ended``.

The peers of a meeting may be connected to different server processes: ``_room`` checks
presence in the database and ``_fanout`` carries the messages between the processes.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any
from uuid import UUID  # noqa: TC003 - Litestar reads the signature

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect
from litestar.params import FromPath  # noqa: TC002 - Litestar reads the signature
from nexus_hookspecs.http import Context, Db, TenantSettings, route_opt

from nexus_meet._hub import CLOSE, Peer
from nexus_meet._ice import ice_config
from nexus_meet._keys import MEETINGS_WRITE
from nexus_meet._room import connect, leave, relay
from nexus_meet._settings import MeetSettings  # noqa: TC001 - Litestar reads it

__all__ = ("signal",)


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
    ice = msgspec.to_builtins(ice_config(settings, actor))["ice_servers"]
    peer = Peer(
        id=row["id"],
        name=row["display_name"],
        admitted=row["state"] == "admitted",
        ice_servers=ice,
    )
    async with db.transaction() as conn:
        await connect(conn, tenant, meeting_id, peer)
    pump = asyncio.create_task(_pump(socket, peer))
    try:
        while not pump.done():
            received = asyncio.ensure_future(socket.receive_json())
            await asyncio.wait({received, pump}, return_when=asyncio.FIRST_COMPLETED)
            if not received.done():
                received.cancel()
                break
            async with db.transaction() as conn:
                await relay(conn, tenant, meeting_id, peer, received.result())
    except (WebSocketDisconnect, msgspec.DecodeError, ValueError):
        pass
    finally:
        pump.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await pump
        async with db.transaction() as conn:
            await leave(conn, tenant, meeting_id, peer)
