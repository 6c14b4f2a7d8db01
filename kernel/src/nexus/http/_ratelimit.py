"""Per-tenant and per-credential rate limits: 429 with ``Retry-After`` beyond them.

Every authenticated request counts once against its credential (the API key, platform key
or user behind a JWT) and, when it acts in a tenant, once against that tenant. Counters
use fixed windows of the limit's period (``6000/minute``: one minute) and live in the
process, or in Redis when ``NEXUS_REDIS_URL`` is set so every worker shares them.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, NamedTuple

import structlog
from limits import parse
from limits.aio.storage import MemoryStorage, RedisStorage
from limits.aio.strategies import FixedWindowRateLimiter
from limits.errors import StorageError
from litestar.enums import ScopeType

from nexus.http._problems import PROBLEM_TYPES, send_problem
from nexus.http._request import request_caller, request_tenant

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    from limits import RateLimitItem
    from litestar.types import ASGIApp, Receive, Scope, Send
    from redis.asyncio import ConnectionPool

__all__ = ("Exhausted", "RateLimitMiddleware", "RateLimits", "TenantPlan")

log = structlog.get_logger("nexus.http")

_REDIS_PREFIX = "nexus-rate"
_SWEEP_EVERY_S = 1.0
_KEYS_REMEMBERED = 100_000


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
            self._memory: _SweepingMemoryStorage | None = None
        else:
            storage = self._memory = _SweepingMemoryStorage()
        self._storage = storage
        self._limiter = FixedWindowRateLimiter(storage)
        self._key_counters = _Counters(self.key, "key")
        self._tenant_counters = _Counters(self.tenant, "tenant")
        # Plans' budgets, one set of counters each (a handful: one per plan).
        self._budgets: dict[str, _Counters] = {}

    async def hit(
        self, subject: UUID, tenant_id: UUID | None, *, tenant_budget: str | None = None
    ) -> int | None:
        """Count one request of ``subject`` (in ``tenant_id``, if any).

        Args:
            subject: The credential (API key, platform key or user).
            tenant_id: The tenant it acts in, if any.
            tenant_budget: The tenant's own budget (its plan's), in ``limits`` notation,
                instead of the configured one.

        Returns:
            ``None`` when the request is within both budgets, else the whole number of
            seconds until the exhausted budget refills (at least 1). When the counters
            cannot be reached (Redis down), requests are let through and a warning logged.
        """
        exhausted = await self.check(subject, tenant_id, tenant_budget=tenant_budget)
        return exhausted.retry_after if exhausted is not None else None

    async def check(
        self, subject: UUID, tenant_id: UUID | None, *, tenant_budget: str | None = None
    ) -> Exhausted | None:
        """:meth:`hit`, telling which budget ran out (``None`` while neither has)."""
        try:
            tenant = self._tenant_counters if tenant_budget is None else self._budget(tenant_budget)
            if self._memory is not None:
                exhausted = self._count_in_process(self._memory, subject, tenant_id, tenant)
            else:
                exhausted = await self._count(subject, tenant_id, tenant)
            if exhausted is None:
                return None
            counters, identifier = exhausted
            retry_after = await self._retry_after(counters, identifier)
            return Exhausted(retry_after, tenant=identifier == tenant_id)
        except StorageError as exc:
            log.warning("rate limit counters unreachable; not limiting", error=str(exc))
        return None

    def _budget(self, budget: str) -> _Counters:
        counters = self._budgets.get(budget)
        if counters is None:
            counters = self._budgets[budget] = _Counters(parse(budget), "tenant")
        return counters

    def _count_in_process(
        self,
        memory: _SweepingMemoryStorage,
        subject: UUID,
        tenant_id: UUID | None,
        tenant: _Counters,
    ) -> tuple[_Counters, UUID] | None:
        counters = self._key_counters
        if memory.count(counters.key_for(subject), counters.expiry) > counters.amount:
            return counters, subject
        if tenant_id is not None:
            counters = tenant
            if memory.count(counters.key_for(tenant_id), counters.expiry) > counters.amount:
                return counters, tenant_id
        return None

    async def _count(
        self, subject: UUID, tenant_id: UUID | None, tenant: _Counters
    ) -> tuple[_Counters, UUID] | None:
        # What limits' FixedWindowRateLimiter.hit does, with each counter's key remembered
        # rather than rebuilt from its parts on every request.
        counters = self._key_counters
        if await self._storage.incr(counters.key_for(subject), counters.expiry) > counters.amount:
            return counters, subject
        if tenant_id is not None:
            counters = tenant
            count = await self._storage.incr(counters.key_for(tenant_id), counters.expiry)
            if count > counters.amount:
                return counters, tenant_id
        return None

    async def _retry_after(self, counters: _Counters, identifier: UUID) -> int:
        stats = await self._limiter.get_window_stats(
            counters.item, counters.namespace, str(identifier)
        )
        return max(1, math.ceil(stats.reset_time - time.time()))

    @property
    def limiter(self) -> FixedWindowRateLimiter:
        """A fixed-window limiter over the same counters (in the process, or in Redis).

        For other budgets than the two of every request, such as failed sign-ins (see
        ``nexus.identity``): ``limits``' own API, ``StorageError`` when Redis is down.
        """
        return self._limiter

    async def close(self) -> None:
        """Close the Redis connections, if any (on shut-down)."""
        if self._pool is not None:
            await self._pool.disconnect()


class _Counters:
    """One budget and the storage keys of its counters, one per identifier.

    A key is ``limits``' own (``RateLimitItem.key_for``), built once per identifier.
    """

    __slots__ = ("_keys", "amount", "expiry", "item", "namespace")

    def __init__(self, item: RateLimitItem, namespace: str) -> None:
        self.item = item
        self.namespace = namespace
        self.amount = item.amount
        self.expiry = item.get_expiry()
        self._keys: dict[UUID, str] = {}

    def key_for(self, identifier: UUID) -> str:
        key = self._keys.get(identifier)
        if key is None:
            if len(self._keys) >= _KEYS_REMEMBERED:
                self._keys.clear()
            key = self._keys[identifier] = self.item.key_for(self.namespace, str(identifier))
        return key


class Exhausted(NamedTuple):
    """A budget that ran out: seconds until it refills, and whether it is the tenant's."""

    retry_after: int
    tenant: bool


class TenantPlan(NamedTuple):
    """The plan a tenant is on and the request budget it sets (``None``: the configured one)."""

    name: str
    api_rate: str | None


class RateLimitMiddleware:
    """Refuse authenticated requests beyond their budgets with a 429 problem.

    Route middleware that runs after :class:`~nexus.identity.AuthGate`, which names the
    principal and tenant; public routes have neither and are not limited.

    Args:
        limits: The budgets and their counters.
        plan_of: The tenant's plan (remembered, not read per request), whose ``api_rate``
            replaces the configured tenant budget.
        counted: Called with the tenant of every request counted (the usage meter).
    """

    def __init__(
        self,
        limits: RateLimits,
        *,
        plan_of: Callable[[UUID], Awaitable[TenantPlan | None]] | None = None,
        counted: Callable[[UUID], None] | None = None,
    ) -> None:
        self.limits = limits
        self.plan_of = plan_of
        self.counted = counted

    def __call__(self, app: ASGIApp) -> ASGIApp:
        """Wrap one route's ASGI app (Litestar calls this once per route handler)."""
        handle = self.handle

        def middleware(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
            # Returning the awaitable spares a coroutine per request.
            if scope["type"] == ScopeType.HTTP:
                return handle(scope, receive, send, app)
            return app(scope, receive, send)

        return middleware

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        """Count the request; answer 429 with ``Retry-After`` when over a budget."""
        principal = request_caller(scope)
        if principal is not None:
            tenant_id = request_tenant(scope)
            plan = None
            if tenant_id is not None:
                if self.counted is not None:
                    self.counted(tenant_id)
                if self.plan_of is not None:
                    plan = await self.plan_of(tenant_id)
            budget = plan.api_rate if plan is not None else None
            exhausted = await self.limits.check(principal.subject, tenant_id, tenant_budget=budget)
            if exhausted is not None:
                await self._refuse(scope, receive, send, exhausted, plan)
                return
        await next_app(scope, receive, send)

    @staticmethod
    async def _refuse(
        scope: Scope, receive: Receive, send: Send, exhausted: Exhausted, plan: TenantPlan | None
    ) -> None:
        retry_after = exhausted.retry_after
        # Named only when the tenant's budget, set by its plan, is the one that ran out.
        extensions = (
            {"plan": plan.name, "limit": "api_rate", "allowed": plan.api_rate}
            if exhausted.tenant and plan is not None and plan.api_rate is not None
            else {}
        )
        await send_problem(
            scope,
            receive,
            send,
            status=429,
            problem_type=PROBLEM_TYPES["rate-limited"],
            detail=f"too many requests; retry in {retry_after} s",
            headers={"Retry-After": str(retry_after)},
            **extensions,
        )


class _SweepingMemoryStorage(MemoryStorage):
    """``limits``' in-process counters, counted without awaiting and swept once a second.

    The stock storage's ``incr`` goes through several wrapped coroutines and a per-key
    lock, and starts a sweep over every counter after each hit, which makes a request
    cost grow with the number of tenants and keys. :meth:`count` takes the same steps on
    the same fields in one call: nothing can run between them in one event loop, which is
    all the lock guarded against. A counter read after its window is reset on that read
    anyway, so sweeping less often only frees memory later. Fixed windows only: the
    sweep leaves the moving-window entries alone, which Nexus does not use.
    """

    def __init__(self) -> None:
        super().__init__()
        self._next_sweep = 0.0

    def count(self, key: str, expiry: float) -> int:
        """Add one request to ``key``'s window and return its count (``incr``, at once)."""
        now = time.time()
        if self.expirations.get(key, 0) <= now:  # a new window (as incr's get() starts one)
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
            self.locks.pop(key, None)
        count = self.storage[key] = self.storage[key] + 1
        if count == 1:
            self.expirations[key] = now + expiry
        if now >= self._next_sweep:
            self._sweep(now)
        return count

    def _sweep(self, now: float) -> None:
        self._next_sweep = now + _SWEEP_EVERY_S
        for key in [key for key, at in self.expirations.items() if at <= now]:
            self.storage.pop(key, None)
            self.expirations.pop(key, None)
            self.locks.pop(key, None)

    async def _MemoryStorage__schedule_expiry(self) -> None:
        # limits' own hook, run after each incr(): the same sweep, as rarely. Should limits
        # rename it, counting through incr() stays correct, only slower (a test watches).
        now = time.time()
        if now >= self._next_sweep:
            self._sweep(now)
