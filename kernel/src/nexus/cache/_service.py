"""Cache-aside for every tenant: namespaces, TTLs, single-flight loads, invalidation."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from uuid import UUID

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from nexus.cache._backend import CacheBackend

__all__ = ("CacheService", "TenantCache")


class CacheService:
    """The process's cache: one backend, one single-flight table, one fan-out.

    Every entry lives in its tenant's namespace (the tenant id); request handlers get a
    :class:`TenantCache` bound to their tenant and cannot name another namespace.

    Args:
        backend: Where entries are kept (in the process, or Redis).
        default_ttl: Seconds an entry lives when the caller names no TTL.
        broadcast: Tells the other processes of an invalidation, when their backends need
            it (the in-process backend); ``None`` when the backend is shared.
    """

    def __init__(
        self,
        backend: CacheBackend,
        *,
        default_ttl: float,
        broadcast: Callable[[str, Sequence[str], Sequence[str]], Awaitable[None]] | None = None,
    ) -> None:
        self.backend = backend
        self.default_ttl = default_ttl
        self._broadcast = broadcast
        self._flights: dict[tuple[str, str], asyncio.Future[bytes | None]] = {}
        self._flight_tags: dict[tuple[str, str], Sequence[str]] = {}
        self.loads = 0  # loader calls made, for tests and benchmarks
        self.joins = 0  # misses that waited for another caller's load

    def for_tenant(self, tenant_id: UUID | None) -> TenantCache:
        """The cache port of one tenant."""
        return TenantCache(self, tenant_id)

    async def invalidate(
        self, tenant_id: UUID, *, keys: Sequence[str] = (), tags: Sequence[str] = ()
    ) -> None:
        """Forget a tenant's ``keys`` and ``tags`` in every process.

        This is the seam for event consumers: a consumer that learns of a change made
        elsewhere calls it with the event's tenant id.
        """
        await self._invalidate(_namespace(tenant_id), keys, tags)

    async def drop(self, tenant_id: UUID) -> None:
        """Forget everything of a tenant in every process (deprovisioning).

        Other processes hear of it as an invalidation naming no key and no tag.
        """
        ns = _namespace(tenant_id)
        self.detach_namespace(ns)
        await self.backend.drop(ns)
        if self._broadcast is not None:
            await self._broadcast(ns, (), ())

    async def _invalidate(self, ns: str, keys: Sequence[str], tags: Sequence[str]) -> None:
        if not keys and not tags:
            return
        self.detach_loads(ns, keys, tags)
        await self.backend.invalidate(ns, keys, tags)
        if self._broadcast is not None:
            await self._broadcast(ns, keys, tags)

    def detach_loads(self, ns: str, keys: Sequence[str], tags: Sequence[str]) -> None:
        """Let callers arriving from now on start a new load instead of joining an older one.

        The older load's result goes to those already waiting and is not stored.
        """
        names, labels = set(keys), set(tags)
        for flight, flight_tags in list(self._flight_tags.items()):
            if flight[0] == ns and (flight[1] in names or labels.intersection(flight_tags)):
                del self._flights[flight], self._flight_tags[flight]

    def detach_namespace(self, ns: str) -> None:
        """:meth:`detach_loads` for every key of namespace ``ns``."""
        for flight in [flight for flight in self._flights if flight[0] == ns]:
            del self._flights[flight], self._flight_tags[flight]

    async def _get_or_load(
        self,
        ns: str,
        key: str,
        loader: Callable[[], Awaitable[bytes | None]],
        *,
        ttl: float | None,
        tags: Sequence[str],
    ) -> bytes | None:
        flight = (ns, key)
        pending = self._flights.get(flight)
        if pending is not None:
            self.joins += 1
            try:
                return await asyncio.shield(pending)
            except asyncio.CancelledError:
                task = asyncio.current_task()
                if task is not None and task.cancelling():
                    raise
                # The caller that was loading went away, not this one: load it here.
                return await self._get_or_load(ns, key, loader, ttl=ttl, tags=tags)
        future: asyncio.Future[bytes | None] = asyncio.get_running_loop().create_future()
        self._flights[flight] = future
        self._flight_tags[flight] = tags
        try:
            # The flight is registered before the read, so concurrent callers share the read
            # too: none can miss, then find the flight already gone, and load again.
            value = await self.backend.get(ns, key)
            if value is None:
                # Read before loading: an invalidation from here on makes it unstorable.
                token = await self.backend.token(ns, key, tags)
                self.loads += 1
                value = await loader()
                if value is not None:
                    await self.backend.put(
                        ns, key, value, ttl=self._ttl(ttl), tags=tags, token=token
                    )
            future.set_result(value)
            return value
        except asyncio.CancelledError:
            future.cancel()  # the waiters load it themselves
            raise
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: the waiters (if any) re-raise it
            raise
        finally:
            if self._flights.get(flight) is future:
                del self._flights[flight], self._flight_tags[flight]

    def _ttl(self, ttl: float | None) -> float:
        return self.default_ttl if ttl is None else ttl


def _namespace(tenant_id: UUID | None) -> str:
    if tenant_id is None:
        raise PermissionError("the cache is per tenant, and this request acts in none")
    return str(tenant_id if isinstance(tenant_id, UUID) else UUID(str(tenant_id)))


class TenantCache:
    """The ``cache`` port of one request: every key lives in the request's tenant.

    Using it in a request that acts in no tenant raises ``PermissionError``.
    """

    __slots__ = ("_service", "_tenant_id")

    def __init__(self, service: CacheService, tenant_id: UUID | None) -> None:
        self._service = service
        self._tenant_id = tenant_id

    @property
    def _ns(self) -> str:
        return _namespace(self._tenant_id)

    async def get(self, key: str) -> bytes | None:
        """Return the cached value or ``None``."""
        return await self._service.backend.get(self._ns, key)

    async def set(
        self, key: str, value: bytes, *, ttl: float | None = None, tags: Sequence[str] = ()
    ) -> None:
        """Store ``value`` for ``ttl`` seconds (``NEXUS_CACHE_TTL_S`` when ``None``)."""
        await self._service.backend.put(
            self._ns, key, value, ttl=self._service._ttl(ttl), tags=tags, token=None
        )

    async def get_or_load(
        self,
        key: str,
        loader: Callable[[], Awaitable[bytes | None]],
        *,
        ttl: float | None = None,
        tags: Sequence[str] = (),
    ) -> bytes | None:
        """Return the cached value, or load it once for every concurrent caller."""
        return await self._service._get_or_load(self._ns, key, loader, ttl=ttl, tags=tags)

    async def delete(self, key: str) -> None:
        """Forget ``key`` in every process."""
        await self.invalidate(key)

    async def invalidate(self, *keys: str) -> None:
        """Forget ``keys`` in every process."""
        await self._service._invalidate(self._ns, keys, ())

    async def invalidate_tags(self, *tags: str) -> None:
        """Forget every entry stored with one of ``tags``, in every process."""
        await self._service._invalidate(self._ns, (), tags)
