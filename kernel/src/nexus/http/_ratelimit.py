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

    @property
    def in_process(self) -> bool:
        """Whether the counters live in this process (no Redis): :meth:`count_now` works."""
        return self._memory is not None

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
        return None if exhausted is None else await self.retry_after(exhausted)

    async def check(
        self, subject: UUID, tenant_id: UUID | None, *, tenant_budget: str | None = None
    ) -> Exhausted | None:
        """:meth:`hit`, telling which budget ran out (``None`` while neither has)."""
        try:
            if self._memory is not None:
                return self.count_now(subject, tenant_id, tenant_budget=tenant_budget)
            return await self._count(subject, tenant_id, self._tenant_budget(tenant_budget))
        except StorageError as exc:
            log.warning("rate limit counters unreachable; not limiting", error=str(exc))
        return None

    def count_now(
        self, subject: UUID, tenant_id: UUID | None, *, tenant_budget: str | None = None
    ) -> Exhausted | None:
        """Count one request in the process's counters, without awaiting (:attr:`in_process`).

        Returns:
            ``None`` within both budgets, else the exhausted one (for :meth:`retry_after`).
        """
        memory = self._memory
        assert memory is not None, "count_now needs the in-process counters"
        counters = self._key_counters
        if memory.count(counters.key_for(subject), counters.expiry) > counters.amount:
            return Exhausted(counters, subject, tenant=False)
        if tenant_id is not None:
            counters = self._tenant_budget(tenant_budget)
            if memory.count(counters.key_for(tenant_id), counters.expiry) > counters.amount:
                return Exhausted(counters, tenant_id, tenant=True)
        return None

    def _tenant_budget(self, budget: str | None) -> _Counters:
        if budget is None:
            return self._tenant_counters
        counters = self._budgets.get(budget)
        if counters is None:
            counters = self._budgets[budget] = _Counters(parse(budget), "tenant")
        return counters

    async def _count(
        self, subject: UUID, tenant_id: UUID | None, tenant: _Counters
    ) -> Exhausted | None:
        # What limits' FixedWindowRateLimiter.hit does, with each counter's key remembered
        # rather than rebuilt from its parts on every request.
        counters = self._key_counters
        if await self._storage.incr(counters.key_for(subject), counters.expiry) > counters.amount:
            return Exhausted(counters, subject, tenant=False)
        if tenant_id is not None:
            count = await self._storage.incr(tenant.key_for(tenant_id), tenant.expiry)
            if count > tenant.amount:
                return Exhausted(tenant, tenant_id, tenant=True)
        return None

    async def retry_after(self, exhausted: Exhausted) -> int:
        """The whole seconds (at least 1) until ``exhausted``'s window refills."""
        counters = exhausted.counters
        stats = await self._limiter.get_window_stats(
            counters.item, counters.namespace, str(exhausted.identifier)
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


class Exhausted(NamedTuple):
    """The budget a request went beyond, and whose counter (credential or tenant)."""

    counters: _Counters
    identifier: UUID
    tenant: bool


class TenantPlan(NamedTuple):
    """The plan a tenant is on and the request budget it sets (``None``: the configured one)."""

    name: str
    api_rate: str | None


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


class RateLimitMiddleware:
    """Refuse authenticated requests beyond their budgets with a 429 problem.

    Route middleware that runs after :class:`~nexus.identity.AuthGate`, which names the
    principal and tenant; public routes have neither and are not limited.

    Args:
        limits: The budgets and their counters.
        plan_of: The tenant's plan, whose ``api_rate`` replaces the configured tenant budget
            (``None`` for a tenant not found).
        plan_now: The same without awaiting, when it is remembered (``None`` when not: the
            request then takes the awaiting path).
        counted: Called with the tenant of every request counted (the usage meter).
    """

    def __init__(
        self,
        limits: RateLimits,
        *,
        plan_of: Callable[[UUID], Awaitable[TenantPlan | None]] | None = None,
        plan_now: Callable[[UUID], TenantPlan | None] | None = None,
        counted: Callable[[UUID], None] | None = None,
    ) -> None:
        self.limits = limits
        self.plan_of = plan_of
        self.plan_now = plan_now
        self.counted = counted

    def __call__(self, app: ASGIApp) -> ASGIApp:
        """Wrap one route's ASGI app (Litestar calls this once per route handler)."""
        limits, handle, refuse = self.limits, self.handle, self._refuse_over
        counted, plan_of, plan_now = self.counted, self.plan_of, self.plan_now

        def middleware(scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
            # Counted in the process with the tenant's plan remembered, a request within its
            # budgets goes on at once, without a coroutine of this layer's own; counters in
            # Redis, or a plan to look up, take the awaiting path.
            if scope["type"] != ScopeType.HTTP:
                return app(scope, receive, send)
            principal = request_caller(scope)
            if principal is None:
                return app(scope, receive, send)
            if not limits.in_process:
                return handle(scope, receive, send, app)
            tenant_id = request_tenant(scope)
            plan = None
            if tenant_id is not None and plan_of is not None:
                plan = plan_now(tenant_id) if plan_now is not None else None
                if plan is None:
                    return handle(scope, receive, send, app)
            if tenant_id is not None and counted is not None:
                counted(tenant_id)
            budget = plan.api_rate if plan is not None else None
            over = limits.count_now(principal.subject, tenant_id, tenant_budget=budget)
            if over is None:
                return app(scope, receive, send)
            return refuse(scope, receive, send, over, plan)

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
                await self._refuse_over(scope, receive, send, exhausted, plan)
                return
        await next_app(scope, receive, send)

    async def _refuse_over(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        over: Exhausted,
        plan: TenantPlan | None,
    ) -> None:
        retry_after = await self.limits.retry_after(over)
        # Named only when the tenant's budget, set by its plan, is the one that ran out.
        extensions = (
            {"plan": plan.name, "limit": "api_rate", "allowed": plan.api_rate}
            if over.tenant and plan is not None and plan.api_rate is not None
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
