"""Real-time fan-out: every process's open sockets hear what any process publishes.

Each process keeps its own sockets by tenant. What one publishes (a message, an edit, a
presence change, typing) goes through Redis pub/sub (``NEXUS_CHAT_REDIS_URL``, else the
deployment's ``NEXUS_REDIS_URL``) to every process, its own included, so every socket sees
one order: the order Redis received them in. Without Redis, one process serves alone and
delivers in-process. Each note names its tenant and, for a private or direct channel, the
actors it is for: a socket hears only its own tenant's notes, and only those meant for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
import structlog

if TYPE_CHECKING:
    from litestar import WebSocket

__all__ = ("HUB", "Hub", "Note")

log = structlog.get_logger("nexus_chat")

CHANNEL = "nexus:chat:fanout"


class Note(msgspec.Struct, kw_only=True):
    """What the hub carries: a frame for the tenant's sockets, or for ``audience`` only."""

    tenant_id: UUID
    frame: dict[str, Any]
    audience: list[str] | None = None
    skip: str | None = None


class Hub:
    """The process's sockets, by tenant, and the fan-out between processes."""

    def __init__(self) -> None:
        self.sockets: dict[UUID, dict[WebSocket[Any, Any, Any], str]] = {}
        self._redis: Any = None
        self._task: asyncio.Task[None] | None = None
        self._encoder = msgspec.json.Encoder()
        self._decoder = msgspec.json.Decoder(Note)

    def redis_url(self) -> str | None:
        """The Redis that carries notes between processes, if one is configured."""
        return os.environ.get("NEXUS_CHAT_REDIS_URL") or os.environ.get("NEXUS_REDIS_URL")

    async def start(self) -> None:
        """Subscribe to the other processes' notes (when Redis is configured)."""
        url = self.redis_url()
        if url is None or self._task is not None:
            return
        import redis.asyncio as redis  # noqa: PLC0415 - only with Redis configured

        self._redis = redis.Redis.from_url(url)
        pubsub = self._redis.pubsub(ignore_subscribe_messages=True)
        await pubsub.subscribe(CHANNEL)
        self._task = asyncio.create_task(self._listen(pubsub))

    async def stop(self) -> None:
        """Stop listening and close the Redis connection."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        if self._redis is not None:
            await self._redis.aclose()
            self._redis = None

    async def _listen(self, pubsub: Any) -> None:
        try:
            async for message in pubsub.listen():
                try:
                    note = self._decoder.decode(message["data"])
                except msgspec.ValidationError:
                    log.warning("chat.fanout.unreadable")
                    continue
                await self.deliver(note)
        finally:
            await pubsub.aclose()

    def join(self, tenant_id: UUID, socket: WebSocket[Any, Any, Any], actor: str) -> None:
        """Hear the tenant's notes on ``socket``."""
        self.sockets.setdefault(tenant_id, {})[socket] = actor

    def leave(self, tenant_id: UUID, socket: WebSocket[Any, Any, Any]) -> None:
        """Stop hearing them."""
        local = self.sockets.get(tenant_id, {})
        local.pop(socket, None)
        if not local:
            self.sockets.pop(tenant_id, None)

    async def publish(self, note: Note) -> None:
        """Send ``note`` to every process's sockets (this one's directly without Redis)."""
        if self._redis is None:
            await self.deliver(note)
            return
        await self._redis.publish(CHANNEL, self._encoder.encode(note))

    async def deliver(self, note: Note) -> None:
        """Send the note's frame to this process's sockets it is meant for."""
        audience = set(note.audience) if note.audience is not None else None
        for socket, actor in list(self.sockets.get(note.tenant_id, {}).items()):
            if actor == note.skip or (audience is not None and actor not in audience):
                continue
            with contextlib.suppress(Exception):  # a closing socket: its handler leaves
                await socket.send_json(note.frame)


HUB = Hub()
"""The process's hub: started by ``nexus_background``, stopped by ``nexus_shutdown``."""
