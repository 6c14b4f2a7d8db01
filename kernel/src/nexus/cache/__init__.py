"""The cache: tenant-prefixed cache-aside with TTLs, single-flight loads and invalidation.

Handlers get the ``cache`` port (:class:`nexus_hookspecs.Cache`) bound to their tenant; the
kernel and event consumers use :class:`CacheService`. See ``docs/cache.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.cache._backend import CacheBackend, Token
from nexus.cache._channel import Channel
from nexus.cache._fanout import CHANNEL, CacheChannel, PostgresBroadcast
from nexus.cache._memory import MemoryBackend
from nexus.cache._runtime import CacheRuntime
from nexus.cache._service import CacheService, TenantCache
from nexus.lazy import lazy_attributes

if TYPE_CHECKING:
    from nexus.cache._redis import RedisBackend

# redis-py only when Redis is configured.
__getattr__ = lazy_attributes(__name__, {"RedisBackend": "nexus.cache._redis"})

__all__ = (
    "CHANNEL",
    "CacheBackend",
    "CacheChannel",
    "CacheRuntime",
    "CacheService",
    "Channel",
    "MemoryBackend",
    "PostgresBroadcast",
    "RedisBackend",
    "TenantCache",
    "Token",
)
