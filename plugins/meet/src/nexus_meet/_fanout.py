"""Signaling across server processes: notes over PostgreSQL LISTEN/NOTIFY.

Each process keeps its own sockets in the hub. What one process does to a meeting's peers
(relay an offer to a participant, broadcast a presence change, close someone, admit
someone from the lobby) it applies to its own hub at once and NOTIFYs as a *note* on
``nexus_meet``; every other process hears the note, skips it unless it holds a socket of
that meeting, and applies it to its own peers. A process skips its own notes.

A NOTIFY payload must stay under 8000 bytes and an SDP offer may not: a note larger than
:data:`INLINE_LIMIT` is stored in ``meet_signal`` (the tenant's, row-level security) and
the NOTIFY carries only its id; the hearing process reads it as the tenant. Notes are
applied one at a time, in the order heard, so a peer's offer, answer and candidates arrive
in the order they were sent.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any
from uuid import UUID, uuid4

import msgspec
import structlog
from nexus_hookspecs import new_id

from nexus_meet._hub import HUB

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus_hookspecs import Background, Connection

__all__ = ("CHANNEL", "INLINE_LIMIT", "Fanout", "Note")

CHANNEL = "nexus_meet"
INLINE_LIMIT = 7000
"""Bytes of a note sent in the NOTIFY itself (PostgreSQL refuses payloads of 8000)."""

log = structlog.get_logger("nexus_meet")


class Note(msgspec.Struct, kw_only=True, omit_defaults=True):
    """Something to do to a meeting's connected peers, wherever they are connected.

    ``kind``: ``send`` (``message`` to participant ``to``), ``broadcast`` (``message`` to
    every admitted peer but participant ``but``), ``close`` (``message``, then close ``to``,
    or everyone when ``to`` is unset), ``admitted`` (``to`` left the lobby) or ``replaced``
    (``to`` connected again as connection ``but``: close its older sockets).
    """

    kind: str
    tenant: UUID
    meeting: UUID
    to: UUID | None = None
    but: UUID | None = None
    message: dict[str, Any] | None = None


class _Wire(msgspec.Struct, kw_only=True, omit_defaults=True):
    origin: str
    tenant: UUID
    meeting: UUID
    note: Note | None = None
    ref: UUID | None = None


class Fanout:
    """This process's end of the notes: publishes its own, applies the others' in order."""

    def __init__(self, apply: Callable[[Connection, Note], Awaitable[None]]) -> None:
        self.origin = uuid4().hex
        self._apply = apply
        self._task: asyncio.Task[None] | None = None

    async def publish(self, conn: Connection, note: Note) -> None:
        """Apply ``note`` here and NOTIFY it to the other processes when ``conn`` commits."""
        await self._apply(conn, note)
        wire = _Wire(origin=self.origin, tenant=note.tenant, meeting=note.meeting, note=note)
        payload = msgspec.json.encode(wire)
        if len(payload) > INLINE_LIMIT:
            # Rows older than a minute were heard long ago (or by nobody): drop them here.
            await conn.execute(
                "delete from meet_signal where created_at < now() - interval '1 minute'"
            )
            wire.note, wire.ref = None, new_id()
            await conn.execute(
                "insert into meet_signal (id, meeting_id, body) values ($1, $2, $3)",
                wire.ref,
                note.meeting,
                payload.decode(),
            )
            payload = msgspec.json.encode(wire)
        await conn.execute("select pg_notify($1, $2)", CHANNEL, payload.decode())

    async def start(self, work: Background) -> None:
        """LISTEN for the other processes' notes and apply them, one at a time."""
        if self._task is not None:
            return
        # Made here, in the loop that runs it (a test runs several loops, one at a time).
        heard: asyncio.Queue[str] = asyncio.Queue()
        listening = work.listen(CHANNEL, heard.put_nowait)
        await listening.__aenter__()  # connected, or raise: the plugin cannot fan out

        async def run() -> None:
            try:
                while True:
                    await self._hear(work, await heard.get())
            finally:
                await listening.__aexit__(None, None, None)

        self._task = asyncio.create_task(run())

    async def stop(self) -> None:
        """Stop listening."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _hear(self, work: Background, payload: str) -> None:
        try:
            wire = msgspec.json.decode(payload, type=_Wire)
        except msgspec.DecodeError:
            return
        if wire.origin == self.origin or (wire.tenant, wire.meeting) not in HUB.rooms:
            return
        try:
            async with work.as_tenant(wire.tenant) as ctx:
                note = wire.note
                if wire.ref is not None:
                    body = await ctx.conn.fetchval(
                        "select body from meet_signal where id = $1", wire.ref
                    )
                    note = None if body is None else msgspec.json.decode(body, type=_Wire).note
                if note is not None and note.tenant == wire.tenant:
                    await self._apply(ctx.conn, note)
        except Exception:  # noqa: BLE001 - one bad note must not stop the meeting's others
            log.warning("meet.note.failed", meeting=str(wire.meeting), exc_info=True)
