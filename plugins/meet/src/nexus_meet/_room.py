"""A meeting's signaling, whichever process each peer is connected to.

``meet_participant.connection`` names a participant's current socket (set when it
connects, cleared when it goes), so every process sees who is present: the welcome lists
them and a relay's target is checked against them. The messages themselves travel as
notes (``_fanout``) applied to each process's hub by :func:`apply`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus_meet._fanout import Fanout, Note
from nexus_meet._hub import HUB, Peer

if TYPE_CHECKING:
    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Db

__all__ = ("FANOUT", "apply", "connect", "leave", "relay", "tell")

_RELAYED = frozenset({"offer", "answer", "candidate"})


async def apply(conn: Connection, note: Note) -> None:
    """Do ``note`` to this process's peers of the meeting."""
    tenant, meeting, message = note.tenant, note.meeting, note.message or {}
    if note.kind == "send" and note.to is not None:
        HUB.send(tenant, meeting, note.to, message)
    elif note.kind == "broadcast":
        HUB.broadcast(tenant, meeting, message, but=note.but)
    elif note.kind == "close":
        HUB.close(tenant, meeting, note.to, message)
    elif note.kind == "replaced" and note.to is not None and note.but is not None:
        HUB.replaced(tenant, meeting, note.to, note.but)
    elif note.kind == "admitted" and note.to is not None:
        peer = HUB.rooms.get((tenant, meeting), {}).get(note.to)
        if peer is not None and not peer.admitted:
            peer.admitted = True
            peer.queue.put_nowait({"type": "admitted"})
            await _welcome(conn, tenant, meeting, peer)


FANOUT = Fanout(apply)
"""The process's notes: listening from ``nexus_background``, stopped by ``nexus_shutdown``."""


async def tell(db: Db, note: Note) -> None:
    """Publish ``note`` in a transaction of its own (after a route's change committed)."""
    async with db.transaction() as conn:
        await FANOUT.publish(conn, note)


async def connect(conn: Connection, tenant: UUID, meeting: UUID, peer: Peer) -> None:
    """Make ``peer`` the participant's socket: its older ones close; welcome or lobby."""
    HUB.enter(tenant, meeting, peer)
    await conn.execute(
        "update meet_participant set connection = $2 where id = $1", peer.id, peer.connection
    )
    await FANOUT.publish(
        conn, Note(kind="replaced", tenant=tenant, meeting=meeting, to=peer.id, but=peer.connection)
    )
    if peer.admitted:
        await _welcome(conn, tenant, meeting, peer)
    else:
        peer.queue.put_nowait({"type": "lobby", "id": str(peer.id)})


async def _welcome(conn: Connection, tenant: UUID, meeting: UUID, peer: Peer) -> None:
    present = await conn.fetch(
        "select id, display_name from meet_participant where meeting_id = $1 "
        "and state = 'admitted' and connection is not null and id <> $2 order by joined_at, id",
        meeting,
        peer.id,
    )
    peer.queue.put_nowait(
        {
            "type": "welcome",
            "id": str(peer.id),
            "peers": [{"id": str(p["id"]), "name": p["display_name"]} for p in present],
            "ice_servers": peer.ice_servers,
        }
    )
    joined = {"type": "peer-joined", "id": str(peer.id), "name": peer.name}
    note = Note(kind="broadcast", tenant=tenant, meeting=meeting, but=peer.id, message=joined)
    await FANOUT.publish(conn, note)


async def relay(conn: Connection, tenant: UUID, meeting: UUID, peer: Peer, message: Any) -> None:
    """Relay an offer, answer or candidate to a present peer of the meeting, or answer why not."""
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
    present = to is not None and await conn.fetchval(
        "select true from meet_participant where id = $1 and meeting_id = $2 "
        "and state = 'admitted' and connection is not null",
        to,
        meeting,
    )
    if not present or to == peer.id:
        peer.queue.put_nowait({"type": "error", "detail": "no such peer in the meeting"})
        return
    relayed = {**message, "from": str(peer.id)}
    await FANOUT.publish(
        conn, Note(kind="send", tenant=tenant, meeting=meeting, to=to, message=relayed)
    )


async def leave(conn: Connection, tenant: UUID, meeting: UUID, peer: Peer) -> None:
    """``peer``'s socket closed: if it was the participant's current one, it has left."""
    HUB.leave(tenant, meeting, peer)
    state = await conn.fetchval(
        "update meet_participant set connection = null, updated_at = now(), "
        "state = case when state = 'admitted' then 'left' else state end "
        "where id = $1 and connection = $2 returning state",
        peer.id,
        peer.connection,
    )
    if state is not None and peer.admitted:
        left = {"type": "peer-left", "id": str(peer.id)}
        await FANOUT.publish(
            conn, Note(kind="broadcast", tenant=tenant, meeting=meeting, message=left)
        )
