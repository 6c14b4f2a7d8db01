"""A change channel to every process: listens, reconnects, and says when it is live.

The base of the feature toggles' fan-out and the cache's invalidation (PostgreSQL
LISTEN/NOTIFY or Redis pub/sub); subclasses say what to listen on.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable

import structlog

__all__ = ("Channel", "OnMessage")

log = structlog.get_logger("nexus.cache")

_RETRY_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)

OnMessage = Callable[[str], None]


class Channel:
    """Listens for change messages and reconnects; tells its owner when it is (not) live.

    ``on_live(True)`` is called each time the channel (re)connects, so the owner can drop
    what it may have missed; ``on_live(False)`` when the connection is lost.
    """

    def __init__(self, *, on_message: OnMessage, on_live: Callable[[bool], None]) -> None:
        self.on_message = on_message
        self.on_live = on_live
        self._task: asyncio.Task[None] | None = None
        self._stopping = False

    async def start(self) -> None:
        """Connect (waiting for the first connection) and keep listening in the background."""
        connected = asyncio.get_running_loop().create_future()
        self._task = asyncio.create_task(self._run(connected), name=f"nexus-{type(self).__name__}")
        await connected

    async def stop(self) -> None:
        """Stop listening."""
        self._stopping = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _run(self, connected: asyncio.Future[None]) -> None:
        attempt = 0
        while not self._stopping:
            try:
                await self._listen(connected)
                attempt = 0
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: go offline, retry
                self.on_live(False)
                log.warning(
                    "change channel lost",
                    channel=type(self).__name__,
                    error=str(exc),
                    retry=attempt,
                )
                if not connected.done():
                    connected.set_exception(exc)
                    return
            await asyncio.sleep(_RETRY_S[min(attempt, len(_RETRY_S) - 1)])
            attempt += 1

    async def _listen(self, connected: asyncio.Future[None]) -> None:
        raise NotImplementedError
