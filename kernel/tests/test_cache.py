"""The cache service on both backends: namespaces, single-flight, invalidation, TTLs."""

from __future__ import annotations

import asyncio
import uuid

import pytest
import redis
from nexus.cache import CacheService, MemoryBackend, RedisBackend
from nexus_hookspecs import Cache

REDIS_URL = "redis://127.0.0.1:6379/0"


def _redis_or_skip() -> str:
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {REDIS_URL}: {exc}")
    return REDIS_URL


@pytest.fixture(params=["memory", "redis"])
def make_service(request):
    """Build a cache service on the in-process backend or on Redis (closed by the test)."""
    url = _redis_or_skip() if request.param == "redis" else None

    def make() -> CacheService:
        backend = RedisBackend(url) if url else MemoryBackend(live=True)
        return CacheService(backend, default_ttl=60)

    return make


def _run(coro):
    return asyncio.run(coro)


def _loader(value: bytes | None, calls: list[int]):
    async def load() -> bytes | None:
        calls.append(1)
        return value

    return load


def test_a_cached_read_for_one_tenant_is_never_served_to_another(make_service):
    async def scenario():
        service = make_service()
        a, b = service.for_tenant(uuid.uuid4()), service.for_tenant(uuid.uuid4())
        calls: list[int] = []
        try:
            assert await a.get_or_load("profile", _loader(b"A", calls)) == b"A"
            assert await b.get("profile") is None
            assert await b.get_or_load("profile", _loader(b"B", calls)) == b"B"
            assert await a.get_or_load("profile", _loader(b"?", calls)) == b"A"
            assert len(calls) == 2
            await b.invalidate("profile")
            assert await a.get("profile") == b"A", "B's invalidation left A's entry alone"
        finally:
            await service.backend.close()

    _run(scenario())


def test_a_write_invalidates_the_cached_read(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())
        calls: list[int] = []
        try:
            await cache.get_or_load("k", _loader(b"old", calls))
            await cache.invalidate("k")
            assert await cache.get("k") is None
            assert await cache.get_or_load("k", _loader(b"new", calls)) == b"new"
            await cache.delete("k")
            assert await cache.get("k") is None
        finally:
            await service.backend.close()

    _run(scenario())


def test_tag_invalidation_drops_every_tagged_entry(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())
        try:
            await cache.set("contact:1", b"1", tags=("contacts",))
            await cache.set("contact:2", b"2", tags=("contacts", "vip"))
            await cache.set("deal:1", b"d", tags=("deals",))
            await cache.invalidate_tags("contacts")
            assert await cache.get("contact:1") is None
            assert await cache.get("contact:2") is None
            assert await cache.get("deal:1") == b"d"
        finally:
            await service.backend.close()

    _run(scenario())


def test_dropping_a_tenant_forgets_all_its_entries_and_no_others(make_service):
    async def scenario():
        service = make_service()
        gone_id, kept_id = uuid.uuid4(), uuid.uuid4()
        gone, kept = service.for_tenant(gone_id), service.for_tenant(kept_id)
        try:
            for cache in (gone, kept):
                await cache.set("contact:1", b"1", tags=("contacts",))
                await cache.set("deal:1", b"d")
                await cache.invalidate_tags("deals")  # leaves a version behind
            await service.drop(gone_id)
            assert [await gone.get("contact:1"), await gone.get("deal:1")] == [None, None]
            assert [await kept.get("contact:1"), await kept.get("deal:1")] == [b"1", b"d"]
            if isinstance(service.backend, RedisBackend):
                left = [key async for key in service.backend.redis.scan_iter(f"*{gone_id}*")]
                assert left == []
            else:
                assert not [name for name in service.backend._versions if name[0] == str(gone_id)]
        finally:
            await service.backend.close()

    _run(scenario())


def test_a_burst_of_misses_makes_one_load(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())
        release = asyncio.Event()
        calls: list[int] = []

        async def load() -> bytes:
            calls.append(1)
            await release.wait()
            return b"row"

        try:
            burst = [asyncio.create_task(cache.get_or_load("hot", load)) for _ in range(50)]
            # The first caller reads and then loads; the others join it, read included.
            await asyncio.wait_for(_until(lambda: calls and service.joins == 49), timeout=10)
            release.set()
            assert await asyncio.wait_for(asyncio.gather(*burst), timeout=10) == [b"row"] * 50
            assert len(calls) == 1
            assert service.loads == 1
        finally:
            await service.backend.close()

    _run(scenario())


def test_a_failed_load_reaches_every_waiter_and_is_not_cached(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())
        release = asyncio.Event()

        async def load() -> bytes:
            await release.wait()
            raise RuntimeError("database down")

        try:
            burst = [asyncio.create_task(cache.get_or_load("k", load)) for _ in range(5)]
            await asyncio.wait_for(_until(lambda: service.loads), timeout=10)
            release.set()
            results = await asyncio.gather(*burst, return_exceptions=True)
            assert all(isinstance(result, RuntimeError) for result in results)
            assert await cache.get("k") is None
        finally:
            await service.backend.close()

    _run(scenario())


def test_a_load_raced_by_an_invalidation_is_returned_but_not_kept(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())

        async def load() -> bytes:
            # A write commits and invalidates while this (older) read is in flight.
            await cache.invalidate("k")
            await cache.invalidate_tags("t")
            return b"stale"

        try:
            assert await cache.get_or_load("k", load, tags=("t",)) == b"stale"
            assert await cache.get("k") is None, "a load older than an invalidation was kept"
            assert await cache.get_or_load("k", _loader(b"fresh", []), tags=("t",)) == b"fresh"
            assert await cache.get("k") == b"fresh"
        finally:
            await service.backend.close()

    _run(scenario())


def test_waiters_load_themselves_when_the_loading_caller_is_cancelled(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())
        started = asyncio.Event()

        async def hang() -> bytes:
            started.set()
            await asyncio.Event().wait()
            return b"never"

        try:
            leader = asyncio.create_task(cache.get_or_load("k", hang))
            await asyncio.wait_for(started.wait(), timeout=10)
            waiter = asyncio.create_task(cache.get_or_load("k", _loader(b"mine", [])))
            await asyncio.wait_for(_until(lambda: service.joins), timeout=10)
            leader.cancel()
            assert await asyncio.wait_for(waiter, timeout=10) == b"mine"
            assert leader.cancelled()
        finally:
            await service.backend.close()

    _run(scenario())


def test_a_miss_after_an_invalidation_does_not_join_an_older_load(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())
        started, release = asyncio.Event(), asyncio.Event()

        async def old() -> bytes:
            started.set()
            await release.wait()
            return b"old"

        try:
            before = asyncio.create_task(cache.get_or_load("k", old, tags=("t",)))
            await asyncio.wait_for(started.wait(), timeout=10)
            await cache.invalidate_tags("t")  # a write committed while "old" was loading
            assert await cache.get_or_load("k", _loader(b"new", []), tags=("t",)) == b"new"
            release.set()
            assert await asyncio.wait_for(before, timeout=10) == b"old"
            assert await cache.get("k") == b"new"
        finally:
            await service.backend.close()

    _run(scenario())


def test_none_from_the_loader_is_not_cached(make_service):
    async def scenario():
        service = make_service()
        cache = service.for_tenant(uuid.uuid4())
        assert isinstance(cache, Cache)
        calls: list[int] = []
        try:
            assert await cache.get_or_load("missing", _loader(None, calls)) is None
            assert await cache.get_or_load("missing", _loader(None, calls)) is None
            assert len(calls) == 2
        finally:
            await service.backend.close()

    _run(scenario())


def test_a_request_without_a_tenant_cannot_use_the_cache():
    service = CacheService(MemoryBackend(live=True), default_ttl=60)
    with pytest.raises(PermissionError):
        _run(service.for_tenant(None).get("k"))


def test_memory_entries_expire_with_their_ttl():
    now = [1000.0]
    backend = MemoryBackend(live=True, clock=lambda: now[0])
    cache = CacheService(backend, default_ttl=30).for_tenant(uuid.uuid4())

    async def scenario():
        await cache.set("short", b"1", ttl=5)
        await cache.set("default", b"2")
        now[0] += 6
        assert await cache.get("short") is None
        assert await cache.get("default") == b"2"
        now[0] += 30
        assert await cache.get("default") is None

    _run(scenario())


def test_memory_cache_keeps_at_most_its_entries():
    backend = MemoryBackend(live=True, max_entries=3)
    cache = CacheService(backend, default_ttl=60).for_tenant(uuid.uuid4())

    async def scenario():
        for index in range(5):
            await cache.set(f"k{index}", b"v", tags=("all",))
        assert [await cache.get(f"k{index}") for index in range(5)] == [None, None] + [b"v"] * 3
        await cache.invalidate_tags("all")
        assert [await cache.get(f"k{index}") for index in range(5)] == [None] * 5

    _run(scenario())


def test_memory_cache_keeps_nothing_while_offline():
    backend = MemoryBackend(live=False)
    cache = CacheService(backend, default_ttl=60).for_tenant(uuid.uuid4())

    async def scenario():
        await cache.set("k", b"v")
        assert await cache.get("k") is None
        backend.live = True
        await cache.set("k", b"v")
        assert await cache.get("k") == b"v"
        backend.clear()  # the channel reconnected: whatever was missed is dropped
        assert await cache.get("k") is None

    _run(scenario())


def test_redis_entries_carry_their_ttl():
    url = _redis_or_skip()
    tenant = uuid.uuid4()

    async def scenario():
        backend = RedisBackend(url)
        try:
            cache = CacheService(backend, default_ttl=60).for_tenant(tenant)
            await cache.set("k", b"v", ttl=5)
            await cache.set("d", b"v")
            assert 0 < await backend.redis.pttl(f"nexus:cache:{{{tenant}}}:v:k") <= 5000
            assert 5000 < await backend.redis.pttl(f"nexus:cache:{{{tenant}}}:v:d") <= 60_000
        finally:
            await backend.close()

    _run(scenario())


def test_unreachable_redis_reads_as_misses():
    async def scenario():
        backend = RedisBackend("redis://127.0.0.1:1/0")
        cache = CacheService(backend, default_ttl=60).for_tenant(uuid.uuid4())
        try:
            assert await cache.get("k") is None
            assert await cache.get_or_load("k", _loader(b"v", [])) == b"v"
            with pytest.raises(redis.RedisError):
                await cache.invalidate("k")
        finally:
            await backend.close()

    _run(scenario())


async def _until(condition) -> None:
    """Yield to the loop until ``condition()`` holds (callers bound it with wait_for)."""
    while not condition():
        await asyncio.sleep(0)
