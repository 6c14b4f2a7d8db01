"""The cache of one process, built from the settings and started with the app."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus.cache._fanout import CacheChannel, PostgresBroadcast, decode
from nexus.cache._memory import MemoryBackend
from nexus.cache._service import CacheService, TenantCache
from nexus.http import request_tenant

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from uuid import UUID

    from litestar.connection import ASGIConnection

    from nexus.db import PostgresDatabase
    from nexus.settings import Settings

__all__ = ("CacheRuntime",)


class CacheRuntime:
    """Redis when ``NEXUS_REDIS_URL`` is set; else in-process, fanned out by NOTIFY.

    Redis is shared by every worker, so an invalidation there is seen by all of them at
    once. In-process caches hear of other processes' invalidations on the ``nexus_cache``
    channel, and keep nothing while that channel is down.
    """

    def __init__(self, settings: Settings, database: PostgresDatabase) -> None:
        self.channel: CacheChannel | None = None
        self._observers: list[Callable[[str, list[str], list[str]], None]] = []
        if settings.redis_url:
            from nexus.cache._redis import RedisBackend  # noqa: PLC0415 - only with Redis

            self.service = CacheService(
                RedisBackend(settings.redis_url), default_ttl=settings.cache_ttl_s
            )
            return
        memory = MemoryBackend(max_entries=settings.cache_max_entries)
        self.service = CacheService(
            memory, default_ttl=settings.cache_ttl_s, broadcast=PostgresBroadcast(database)
        )

        def received(payload: str) -> None:
            message = decode(payload)
            if message is None:
                return
            if message[1] or message[2]:
                memory.forget(*message)
                self.service.detach_loads(*message)
            else:  # no key and no tag: a dropped tenant (CacheService.drop)
                memory.forget_namespace(message[0])
                self.service.detach_namespace(message[0])
            for observer in self._observers:
                observer(*message)

        def live(up: bool) -> None:
            memory.clear()  # whatever was missed while offline is gone with it
            memory.live = up

        self.channel = CacheChannel(database.url, on_message=received, on_live=live)

    async def invalidate(
        self, tenant_id: UUID, *, keys: Sequence[str] = (), tags: Sequence[str] = ()
    ) -> None:
        """Forget a tenant's ``keys`` and ``tags`` in every process (for event consumers)."""
        await self.service.invalidate(tenant_id, keys=keys, tags=tags)

    async def drop(self, tenant_id: UUID) -> None:
        """Forget every entry of a tenant in every process (deprovisioning)."""
        await self.service.drop(tenant_id)

    def observe(self, callback: Callable[[str, list[str], list[str]], None]) -> None:
        """Call ``callback(tenant, keys, tags)`` for each invalidation message received."""
        self._observers.append(callback)

    def provide(self, request: ASGIConnection[Any, Any, Any, Any]) -> TenantCache:
        """The ``cache`` dependency: the cache of the request's tenant."""
        return self.service.for_tenant(request_tenant(request))

    async def start(self) -> None:
        """Listen for other processes' invalidations (in-process cache only)."""
        if self.channel is not None:
            await self.channel.start()

    async def stop(self) -> None:
        """Stop listening; close the Redis connections."""
        if self.channel is not None:
            await self.channel.stop()
        await self.service.backend.close()
