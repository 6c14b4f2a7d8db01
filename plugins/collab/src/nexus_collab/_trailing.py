"""The change event a burst's last update is owed: published once the coalescing window ends.

``collab.document.changed.v1`` goes out at most once a second per document. An update inside
that second publishes nothing itself; it arms a timer here, and when the second is over the
timer publishes the change not yet told of (the document row locked, so of several
processes' timers only the first publishes). The last change of a burst thus always gets
its event, whether a room or a service call persisted it.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
from typing import TYPE_CHECKING

import structlog

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    from nexus_hookspecs import Background, Connection, EventPublisher

__all__ = ("Trailing",)

log = structlog.get_logger("nexus_collab")


class Trailing:
    """Timers per (tenant, document) that publish the pending change when the window ends.

    Args:
        publish: Publishes the document's pending change if its window is over, and answers
            the seconds left otherwise (``None``: nothing pending, or published now).
    """

    def __init__(
        self, publish: Callable[[Connection, EventPublisher, UUID], Awaitable[float | None]]
    ) -> None:
        self._publish = publish
        self._work: Background | None = None
        self._timers: dict[tuple[UUID, UUID], asyncio.TimerHandle] = {}
        self._running: set[asyncio.Task[None]] = set()

    def start(self, work: Background) -> None:
        """Keep the port the timers open their transactions with."""
        self._work = work

    async def stop(self) -> None:
        """Cancel the timers and wait for the publications under way."""
        for timer in self._timers.values():
            timer.cancel()
        self._timers.clear()
        for task in list(self._running):
            with contextlib.suppress(Exception):
                await task
        self._work = None

    def arm(self, tenant_id: UUID, file_id: UUID, delay_s: float) -> None:
        """Publish the document's pending change in ``delay_s`` (one timer per document)."""
        key = (tenant_id, file_id)
        if self._work is None or key in self._timers:
            return
        loop = asyncio.get_running_loop()
        # A context of its own: the arming request's (its transaction, its log fields) is
        # over by the time the timer fires.
        fresh = contextvars.Context()
        self._timers[key] = loop.call_later(delay_s, self._fire, key, context=fresh)

    def _fire(self, key: tuple[UUID, UUID]) -> None:
        self._timers.pop(key, None)
        task = asyncio.get_running_loop().create_task(self._run(*key))
        self._running.add(task)  # held until done: the loop keeps only weak references
        task.add_done_callback(self._running.discard)

    async def _run(self, tenant_id: UUID, file_id: UUID) -> None:
        if self._work is None:
            return
        try:
            async with self._work.as_tenant(tenant_id) as ctx:
                left = await self._publish(ctx.conn, ctx.events, file_id)
        except Exception:  # noqa: BLE001 - a deleted document or tenant: nothing is owed
            log.warning("collab.trailing.failed", file_id=str(file_id), exc_info=True)
            return
        if left is not None:  # another update moved the window: wait for its end
            self.arm(tenant_id, file_id, left)
