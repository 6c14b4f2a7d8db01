"""Change fan-out to every process: PostgreSQL LISTEN/NOTIFY, or Redis pub/sub."""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING, Any

import asyncpg

from nexus.cache import Channel

if TYPE_CHECKING:
    from redis.asyncio import Redis

__all__ = ("CHANNEL", "Channel", "PostgresChannel", "RedisChannel")

CHANNEL = "nexus_features"


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
