"""The process's open documents (one pycrdt-websocket ``YRoom`` each) and their fan-out.

A room holds the document's state in memory while clients are connected to it in this
process; the room relays sync and awareness messages between them. What any process (or a
service call) persists reaches the other processes through PostgreSQL LISTEN/NOTIFY: the
writer's transaction NOTIFYs ``nexus_collab`` with the tenant, the document, the update's
seq and the origin process; each process that has the document open reads that update in
the tenant (row-level security) and applies it to its room, which sends it to its clients.
A process skips the notes of updates it applied itself. Yjs updates commute and applying
one twice changes nothing, so a note racing a room's first load is harmless.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import structlog
from pycrdt import Doc
from pycrdt.websocket import YRoom

from nexus_collab._store import CHANNEL, state, update_since

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus_hookspecs import Background

__all__ = ("ROOMS", "Room", "Rooms")

log = structlog.get_logger("nexus_collab")


@dataclass(eq=False)
class Room:
    """One open document in this process."""

    tenant_id: UUID
    file_id: UUID
    kind: str
    yroom: YRoom
    task: asyncio.Task[None]
    clients: int = 0
    pending: int = 0
    actors: dict[int, str] = field(default_factory=dict)


class Rooms:
    """The process's rooms, by tenant and document, and the LISTEN for other processes."""

    def __init__(self) -> None:
        self.origin = uuid4().hex
        self.rooms: dict[tuple[UUID, UUID], Room] = {}
        self._lock = asyncio.Lock()
        self._work: Background | None = None
        self._listener: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        self._fetching: set[asyncio.Task[None]] = set()

    async def open(
        self,
        tenant_id: UUID,
        file_id: UUID,
        load: Callable[[], Awaitable[tuple[str, bytes]]],
    ) -> Room:
        """The document's room, loaded with ``load`` (kind, state) on first use; one client more."""
        async with self._lock:
            room = self.rooms.get((tenant_id, file_id))
            if room is None:
                kind, update = await load()
                doc: Doc[Any] = Doc()
                doc.apply_update(update)
                yroom = YRoom(ready=True, ydoc=doc, exception_handler=_logged)
                task = asyncio.create_task(yroom.start())
                await yroom.started.wait()
                await yroom.ydoc_observed.wait()
                room = Room(tenant_id=tenant_id, file_id=file_id, kind=kind, yroom=yroom, task=task)
                self.rooms[(tenant_id, file_id)] = room
            room.clients += 1
            return room

    async def close(self, room: Room) -> bool:
        """One client less; stop the room when it was the last (answers whether it was)."""
        async with self._lock:
            room.clients -= 1
            if room.clients > 0:
                return False
            self.rooms.pop((room.tenant_id, room.file_id), None)
            with contextlib.suppress(Exception):
                await room.yroom.stop()
            room.task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await room.task
            return True

    def apply(self, tenant_id: UUID, file_id: UUID, update: bytes) -> None:
        """Apply an update persisted elsewhere to the open room (its clients get it)."""
        room = self.rooms.get((tenant_id, file_id))
        if room is not None:
            room.yroom.ydoc.apply_update(update)

    async def start(self, work: Background) -> None:
        """LISTEN for the updates other processes (and service calls) persist."""
        if self._listener is not None:
            return
        self._work = work
        self._stopping = asyncio.Event()
        listening = work.listen(CHANNEL, self._notified)
        await listening.__aenter__()  # connected, or raise: the plugin cannot fan out

        async def hold() -> None:
            try:
                await self._stopping.wait()
            finally:
                await listening.__aexit__(None, None, None)

        self._listener = asyncio.create_task(hold())

    async def stop(self) -> None:
        """Stop listening and every room."""
        task, self._listener = self._listener, None
        if task is not None:
            self._stopping.set()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        for room in list(self.rooms.values()):
            room.clients = 1
            await self.close(room)

    def _notified(self, payload: str) -> None:
        try:
            tenant, file, seq, origin = payload.split(" ")
            key = (UUID(tenant), UUID(file))
        except ValueError:
            return
        if origin == self.origin or key not in self.rooms:
            return
        task = asyncio.get_running_loop().create_task(self._fetch(key[0], key[1], int(seq)))
        self._fetching.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self._fetching.discard)

    async def _fetch(self, tenant_id: UUID, file_id: UUID, seq: int) -> None:
        if self._work is None:
            return
        try:
            async with self._work.as_tenant(tenant_id) as ctx:
                update = await update_since(ctx.conn, file_id, seq)
                if update is None:  # compacted meanwhile: the whole state has it
                    update = (await state(ctx.conn, file_id))[1]
        except Exception:  # noqa: BLE001 - a deleted document or tenant: nothing to apply
            log.warning("collab.fetch.failed", file_id=str(file_id), seq=seq, exc_info=True)
            return
        self.apply(tenant_id, file_id, update)


def _logged(exception: Exception, logger: Any) -> bool:
    logger.warning("collab.room.error: %r", exception)
    return True


ROOMS = Rooms()
"""The process's rooms: listening from ``nexus_background``, stopped by ``nexus_shutdown``."""
