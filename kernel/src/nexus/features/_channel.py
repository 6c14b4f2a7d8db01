"""Change fan-out to every process: PostgreSQL LISTEN/NOTIFY, or Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import asyncpg
import structlog

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ("CHANNEL", "Channel", "PostgresChannel", "RedisChannel")

log = structlog.get_logger("nexus.features")

CHANNEL = "nexus_features"
_RETRY_S = (0.05, 0.1, 0.25, 0.5, 1.0, 2.0)

OnMessage = Callable[[str], None]
OnReset = Callable[[bool], Awaitable[None] | None]


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
                log.warning("feature channel lost", error=str(exc), retry=attempt)
                if not connected.done():
                    connected.set_exception(exc)
                    return
            await asyncio.sleep(_RETRY_S[min(attempt, len(_RETRY_S) - 1)])
            attempt += 1

    async def _listen(self, connected: asyncio.Future[None]) -> None:
        raise NotImplementedError


class PostgresChannel(Channel):
    """LISTEN on a dedicated connection; NOTIFY is sent in the writer's transaction."""

    def __init__(self, url: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.url = url

    async def _listen(self, connected: asyncio.Future[None]) -> None:
        conn = await asyncpg.connect(self.url)
        lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

        def terminated(_: object) -> None:
            if not lost.done():
                lost.set_result(None)

        conn.add_termination_listener(terminated)
        try:
            await conn.add_listener(CHANNEL, lambda *args: self.on_message(args[3]))
            self.on_live(True)
            if not connected.done():
                connected.set_result(None)
            await lost
            raise ConnectionError("LISTEN connection closed")
        finally:
            with contextlib.suppress(Exception):
                await conn.close(timeout=1)


class RedisChannel(Channel):
    """SUBSCRIBE on Redis; writers PUBLISH after their transaction commits."""

    def __init__(self, redis: Redis, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.redis = redis

    async def _listen(self, connected: asyncio.Future[None]) -> None:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(CHANNEL)
            self.on_live(True)
            if not connected.done():
                connected.set_result(None)
            async for message in pubsub.listen():
                if message["type"] == "message":
                    data = message["data"]
                    self.on_message(data.decode() if isinstance(data, bytes) else str(data))
            raise ConnectionError("Redis subscription ended")
        finally:
            with contextlib.suppress(Exception):
                await pubsub.aclose()  # type: ignore[no-untyped-call]
