"""Per-tenant and per-credential rate limits: 429 with ``Retry-After`` beyond them.

Every authenticated request counts once against its credential (the API key, platform key
or user behind a JWT) and, when it acts in a tenant, once against that tenant. Counters
use fixed windows of the limit's period (``6000/minute``: one minute) and live in the
process, or in Redis when ``NEXUS_REDIS_URL`` is set so every worker shares them.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import structlog
from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware

from nexus.http._problems import PROBLEM_TYPES, send_problem

if TYPE_CHECKING:
    from uuid import UUID

    from limits import RateLimitItem
    from litestar.types import ASGIApp, Receive, Scope, Send
    from redis.asyncio import ConnectionPool

    from nexus.identity import Principal

__all__ = ("RateLimitMiddleware", "RateLimits")

log = structlog.get_logger("nexus.http")

_REDIS_PREFIX = "nexus-rate"
_SWEEP_EVERY_S = 1.0


class RateLimits:
    """The two request budgets and the counters they are drawn from.

    Args:
        tenant: Requests per tenant, in ``limits`` notation (``6000/minute``).
        key: Requests per credential (API key, platform key or user).
        redis_url: Count in this Redis (``redis://host:6379/0``) instead of in the process.

    Example::

        limits = RateLimits(tenant="6000/minute", key="1200/minute")
        retry_after = await limits.hit(principal.subject, tenant_id)
    """

    def __init__(self, *, tenant: str, key: str, redis_url: str | None = None) -> None:
        self.tenant = parse(tenant)
        self.key = parse(key)
        self._pool: ConnectionPool | None = None
        if redis_url:
            from redis.asyncio import ConnectionPool  # noqa: PLC0415 - only with Redis

            # Our own pool, so shutting down can close its connections.
            self._pool = ConnectionPool.from_url(redis_url)
            storage: MemoryStorage | RedisStorage = RedisStorage(
                redis_url if redis_url.startswith("async+") else f"async+{redis_url}",
                implementation="redispy",
                wrap_exceptions=True,
                key_prefix=_REDIS_PREFIX,
                connection_pool=self._pool,  # type: ignore[arg-type] # documented option
            )
        else:
            storage = _SweepingMemoryStorage()
        self._limiter = FixedWindowRateLimiter(storage)

    async def hit(self, subject: UUID, tenant_id: UUID | None) -> int | None:
        """Count one request of ``subject`` (in ``tenant_id``, if any).

        Returns:
            ``None`` when the request is within both budgets, else the whole number of
            seconds until the exhausted budget refills (at least 1). When the counters
            cannot be reached (Redis down), requests are let through and a warning logged.
        """
        try:
            subject_id = str(subject)
            if not await self._limiter.hit(self.key, "key", subject_id):
                return await self._retry_after(self.key, "key", subject_id)
            if tenant_id is not None:
                tenant = str(tenant_id)
                if not await self._limiter.hit(self.tenant, "tenant", tenant):
                    return await self._retry_after(self.tenant, "tenant", tenant)
        except StorageError as exc:
            log.warning("rate limit counters unreachable; not limiting", error=str(exc))
        return None

    async def _retry_after(self, item: RateLimitItem, *identifiers: str) -> int:
        stats = await self._limiter.get_window_stats(item, *identifiers)
        return max(1, math.ceil(stats.reset_time - time.time()))

    async def close(self) -> None:
        """Close the Redis connections, if any (on shut-down)."""
        if self._pool is not None:
            await self._pool.disconnect()


class RateLimitMiddleware(ASGIMiddleware):
    """Refuse authenticated requests beyond their budgets with a 429 problem.

    Runs after :class:`~nexus.identity.AuthGate`, which names the principal and tenant;
    public routes have neither and are not limited.
    """

    scopes = (ScopeType.HTTP,)

    def __init__(self, limits: RateLimits) -> None:
        self.limits = limits

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Count the request; answer 429 with ``Retry-After`` when over a budget."""
        state = scope["state"]
        principal: Principal | None = state.get("principal")
        if principal is not None:
            retry_after = await self.limits.hit(principal.subject, state.get("tenant_id"))
            if retry_after is not None:
                await send_problem(
                    scope,
                    receive,
                    send,
                    status=429,
                    problem_type=PROBLEM_TYPES["rate-limited"],
                    detail=f"too many requests; retry in {retry_after} s",
                    headers={"Retry-After": str(retry_after)},
                )
                return
        await next_app(scope, receive, send)


class _SweepingMemoryStorage(MemoryStorage):
    """``limits``' in-process counters, swept for expired entries at most once a second.

    The stock storage starts a sweep over every counter after each hit, which makes a
    request cost grow with the number of tenants and keys. A counter read after its window
    is reset on that read anyway, so sweeping less often only frees memory later. Should
    ``limits`` rename the private hook, counting stays correct, only slower again (a test
    watches for that).
    """

    def __init__(self) -> None:
        super().__init__()
        self._next_sweep = 0.0

    async def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now >= self._next_sweep:
            self._next_sweep = now + _SWEEP_EVERY_S
            await super()._MemoryStorage__schedule_expiry()  # type: ignore[misc]
