"""Invalidations reach every process's in-process cache over PostgreSQL LISTEN/NOTIFY."""

from __future__ import annotations

import asyncio
import contextlib
import json
from typing import TYPE_CHECKING, Any

import asyncpg
import structlog

# The toggles' channel brings the reconnect loop and the live/offline callbacks.
from nexus.cache._channel import Channel

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nexus.db import PostgresDatabase

__all__ = ("CHANNEL", "CacheChannel", "PostgresBroadcast", "decode", "encode")

log = structlog.get_logger("nexus.cache")

CHANNEL = "nexus_cache"
_MAX_PAYLOAD = 7_000  # NOTIFY takes less than 8000 bytes


def encode(ns: str, keys: Sequence[str], tags: Sequence[str]) -> list[str]:
    """Messages naming ``keys`` and ``tags`` of namespace ``ns``, each small enough.

    A message naming no key and no tag stands for the whole namespace (a dropped tenant).
    """
    whole = json.dumps({"n": ns, "k": list(keys), "t": list(tags)})
    if len(whole.encode()) <= _MAX_PAYLOAD or len(keys) + len(tags) <= 1:
        return [whole]
    names = [("k", key) for key in keys] + [("t", tag) for tag in tags]
    half = len(names) // 2
    return [
        message
        for part in (names[:half], names[half:])
        for message in encode(
            ns, [n for kind, n in part if kind == "k"], [n for kind, n in part if kind == "t"]
        )
    ]


def decode(payload: str) -> tuple[str, list[str], list[str]] | None:
    """The namespace, keys and tags of a message, or ``None`` if it is malformed."""
    try:
        message = json.loads(payload)
        return str(message["n"]), list(message["k"]), list(message["t"])
    except (ValueError, KeyError, TypeError):
        log.warning("ignoring malformed cache message", payload=payload[:200])
        return None


class PostgresBroadcast:
    """Sends invalidations with ``pg_notify`` on a pooled connection (after the commit)."""

    def __init__(self, database: PostgresDatabase) -> None:
        self.database = database

    async def __call__(self, ns: str, keys: Sequence[str], tags: Sequence[str]) -> None:
        """NOTIFY every process listening on :data:`CHANNEL`."""
        async with self.database.pool.acquire() as conn:
            for message in encode(ns, keys, tags):
                await conn.execute("select pg_notify($1, $2)", CHANNEL, message)


class CacheChannel(Channel):
    """LISTEN on :data:`CHANNEL` over a dedicated connection, reconnecting when it drops."""

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
