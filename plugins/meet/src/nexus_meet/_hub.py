"""The signaling hub: who is connected to which meeting, in this process.

A room is keyed by tenant and meeting, so two tenants' peers never meet even with the same
meeting id. Each connected participant has a queue its socket drains; relaying an offer,
an answer or an ICE candidate, or delivering a host control, puts a message on queues.

The hub knows this process's sockets only; ``_fanout`` carries what happens here to the
other processes (PostgreSQL NOTIFY) and applies theirs to this hub. Media never passes
here, only the small signaling messages.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any
from uuid import UUID, uuid4

__all__ = ("HUB", "Hub", "Peer")

Message = dict[str, Any]
CLOSE: Message = {"type": "__close__"}


@dataclass
class Peer:
    """One connected participant (one socket of it) and its outgoing queue."""

    id: UUID
    name: str
    admitted: bool
    ice_servers: list[Any] = field(default_factory=list)
    connection: UUID = field(default_factory=uuid4)
    queue: asyncio.Queue[Message] = field(default_factory=asyncio.Queue)


@dataclass
class Hub:
    """Rooms of connected peers, by ``(tenant_id, meeting_id)``."""

    rooms: dict[tuple[UUID, UUID], dict[UUID, Peer]] = field(default_factory=dict)

    def enter(self, tenant: UUID, meeting: UUID, peer: Peer) -> None:
        """Connect ``peer`` (replacing an older connection of the same participant)."""
        room = self.rooms.setdefault((tenant, meeting), {})
        old = room.get(peer.id)
        if old is not None:
            old.queue.put_nowait(CLOSE)
        room[peer.id] = peer

    def leave(self, tenant: UUID, meeting: UUID, peer: Peer) -> bool:
        """Disconnect ``peer``; whether it was the room's current connection."""
        room = self.rooms.get((tenant, meeting), {})
        if room.get(peer.id) is not peer:
            return False
        del room[peer.id]
        if not room:
            self.rooms.pop((tenant, meeting), None)
        return True

    def peers(self, tenant: UUID, meeting: UUID) -> list[Peer]:
        """The admitted peers connected to the meeting."""
        return [p for p in self.rooms.get((tenant, meeting), {}).values() if p.admitted]

    def send(self, tenant: UUID, meeting: UUID, to: UUID, message: Message) -> bool:
        """Queue ``message`` for participant ``to``; whether it is connected."""
        peer = self.rooms.get((tenant, meeting), {}).get(to)
        if peer is None:
            return False
        peer.queue.put_nowait(message)
        return True

    def broadcast(
        self, tenant: UUID, meeting: UUID, message: Message, *, but: UUID | None = None
    ) -> None:
        """Queue ``message`` for every admitted peer of the meeting (``but`` one)."""
        for peer in self.peers(tenant, meeting):
            if peer.id != but:
                peer.queue.put_nowait(message)

    def replaced(self, tenant: UUID, meeting: UUID, participant: UUID, keep: UUID) -> None:
        """Close ``participant``'s socket here unless it is connection ``keep`` (the newest)."""
        room = self.rooms.get((tenant, meeting), {})
        peer = room.get(participant)
        if peer is not None and peer.connection != keep:
            peer.queue.put_nowait(CLOSE)
            self.leave(tenant, meeting, peer)

    def close(self, tenant: UUID, meeting: UUID, to: UUID | None, message: Message) -> None:
        """Send ``message`` and close participant ``to`` (everyone when ``None``)."""
        room = self.rooms.get((tenant, meeting), {})
        for peer in list(room.values()):
            if to is None or peer.id == to:
                peer.queue.put_nowait(message)
                peer.queue.put_nowait(CLOSE)


HUB = Hub()
"""The process's hub."""
