"""The Redis cache: shared by every worker, with versions so a stale load is never stored.

Layout per tenant namespace ``{ns}`` (a hash tag, so one tenant's keys share a Redis
Cluster slot and the scripts below may touch them together):

- ``nexus:cache:{ns}:v:<key>`` the value, with its TTL;
- ``nexus:cache:{ns}:kv:<key>`` and ``nexus:cache:{ns}:tv:<tag>`` versions, bumped by
  every invalidation;
- ``nexus:cache:{ns}:t:<tag>`` the set of value keys stored with that tag.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import structlog
from redis.asyncio import Redis
from redis.exceptions import RedisError

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nexus.cache._backend import Token

__all__ = ("RedisBackend",)

log = structlog.get_logger("nexus.cache")

# Longer than any load may take: a version that expired mid-load reads as changed.
_VERSION_TTL_S = 86_400

# KEYS: value, key version, tag versions…, tag sets…  ARGV: value, ttl ms, check, versions…
_PUT = """
local n = (#KEYS - 2) / 2
if ARGV[3] == '1' then
  for i = 2, n + 2 do
    if (redis.call('GET', KEYS[i]) or '0') ~= ARGV[i + 2] then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
for i = n + 3, #KEYS do
  redis.call('SADD', KEYS[i], KEYS[1])
  if redis.call('PTTL', KEYS[i]) < tonumber(ARGV[2]) then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
  end
end
return 1
"""

# KEYS: values…, key versions…, tag versions…, tag sets…  ARGV: number of keys, version ttl
_INVALIDATE = """
local k = tonumber(ARGV[1])
local t = (#KEYS - 2 * k) / 2
for i = 1, k do
  redis.call('DEL', KEYS[i])
  redis.call('INCR', KEYS[k + i])
  redis.call('EXPIRE', KEYS[k + i], ARGV[2])
end
for i = 1, t do
  local version = KEYS[2 * k + i]
  local tagged = KEYS[2 * k + t + i]
  redis.call('INCR', version)
  redis.call('EXPIRE', version, ARGV[2])
  for _, member in ipairs(redis.call('SMEMBERS', tagged)) do redis.call('DEL', member) end
  redis.call('DEL', tagged)
end
return 1
"""


def _name(ns: str, kind: str, name: str) -> str:
    return f"nexus:cache:{{{ns}}}:{kind}:{name}"


def _bytes(value: bytes | str) -> bytes:
    return value if isinstance(value, bytes) else value.encode()


class RedisBackend:
    """Entries in Redis, shared by every worker.

    Reads and stores degrade to misses when Redis is unreachable; invalidations raise, so
    a write never silently leaves a stale entry behind.

    Args:
        url: ``redis://host:6379/0``.
    """

    def __init__(self, url: str) -> None:
        self.redis: Redis = Redis.from_url(url)
        self._put = self.redis.register_script(_PUT)
        self._invalidate = self.redis.register_script(_INVALIDATE)

    async def get(self, ns: str, key: str) -> bytes | None:
        """Return the entry, or ``None`` (also when Redis does not answer)."""
        try:
            value = await self.redis.get(_name(ns, "v", key))
        except RedisError as exc:
            log.warning("cache read failed", error=str(exc))
            return None
        return value if value is None else _bytes(value)

    async def token(self, ns: str, key: str, tags: Sequence[str]) -> Token:
        """The current versions of ``key`` and ``tags``."""
        names = [_name(ns, "kv", key), *(_name(ns, "tv", tag) for tag in tags)]
        try:
            values = await self.redis.mget(names)
        except RedisError as exc:
            log.warning("cache read failed", error=str(exc))
            return ("unavailable",)  # matches nothing: the load is not stored
        return tuple("0" if value is None else _bytes(value).decode() for value in values)

    async def put(
        self,
        ns: str,
        key: str,
        value: bytes,
        *,
        ttl: float,
        tags: Sequence[str],
        token: Token | None,
    ) -> None:
        """Store ``value`` unless a version changed since ``token`` (checked in Redis)."""
        if token is not None and len(token) != 1 + len(tags):
            return
        keys = [
            _name(ns, "v", key),
            _name(ns, "kv", key),
            *(_name(ns, "tv", tag) for tag in tags),
            *(_name(ns, "t", tag) for tag in tags),
        ]
        args: list[str | bytes | int] = [value, max(1, int(ttl * 1000))]
        args += ["1", *token] if token is not None else ["0"]
        try:
            await self._put(keys=keys, args=args)
        except RedisError as exc:
            log.warning("cache write failed", error=str(exc))

    async def invalidate(self, ns: str, keys: Sequence[str], tags: Sequence[str]) -> None:
        """Drop ``keys`` and the entries tagged ``tags`` for every worker at once."""
        if not keys and not tags:
            return
        names = [
            *(_name(ns, "v", key) for key in keys),
            *(_name(ns, "kv", key) for key in keys),
            *(_name(ns, "tv", tag) for tag in tags),
            *(_name(ns, "t", tag) for tag in tags),
        ]
        await self._invalidate(keys=names, args=[len(keys), _VERSION_TTL_S])

    async def drop(self, ns: str) -> None:
        """Delete every key of the namespace (found with SCAN, so Redis is never blocked)."""
        batch: list[bytes] = []
        async for name in self.redis.scan_iter(match=_name(ns, "*", "*"), count=500):
            batch.append(name)
            if len(batch) == 500:
                await self.redis.unlink(*batch)
                batch.clear()
        if batch:
            await self.redis.unlink(*batch)

    async def close(self) -> None:
        """Close the connection pool."""
        await self.redis.aclose()
