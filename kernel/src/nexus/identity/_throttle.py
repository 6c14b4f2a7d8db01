"""Throttling guessers: failed sign-ins per account and per address, invalid credentials.

Counters live where the rate limits' do (``nexus.http.RateLimits``: in the process, or in
Redis when ``NEXUS_REDIS_URL`` is set), counted with ``limits``' fixed windows:

- failed password sign-ins, per account (tenant and email) and per client address: when
  either budget is spent, that account or address is locked out for ``lockout_s`` seconds
  — every sign-in of it is refused with 429 and ``Retry-After``, the right password too;
- presented credentials that turn out invalid (API keys, tokens), per client address:
  beyond the budget, the address's unknown credentials get 429 until the window ends
  (credentials already verified and remembered keep working).

When the counters cannot be reached (Redis down), nothing is throttled and a warning is
logged, as for rate limits.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

import structlog
from limits import RateLimitItemPerSecond, parse
from limits.errors import StorageError

if TYPE_CHECKING:
    from limits import RateLimitItem

    from nexus.http import RateLimits

__all__ = ("Throttle",)

log = structlog.get_logger("nexus.identity")

_FAILED = "nexus-signin-failed"
_LOCKED = "nexus-signin-locked"
_INVALID = "nexus-invalid-credential"
_RESET = "nexus-password-reset"


class Throttle:
    """Budgets for failed sign-ins and invalid credentials.

    Args:
        limits: The rate limits whose counters (and storage) these share.
        per_account: Failed sign-ins of one account before it is locked out (``10/15minutes``).
        per_address: Failed sign-ins from one client address before it is locked out.
        lockout_s: How long a lock-out lasts, in seconds.
        invalid_per_address: Invalid API keys or tokens from one client address (``100/minute``).
        resets_per_account: Password-reset requests of one account (``5/hour``).
        resets_per_address: Password-reset requests from one client address.
    """

    def __init__(
        self,
        limits: RateLimits,
        *,
        per_account: str,
        per_address: str,
        lockout_s: int,
        invalid_per_address: str,
        resets_per_account: str = "5/hour",
        resets_per_address: str = "50/hour",
    ) -> None:
        self._limiter = limits.limiter
        self._per_account = parse(per_account)
        self._per_address = parse(per_address)
        self._lock = RateLimitItemPerSecond(1, lockout_s)
        self._invalid = parse(invalid_per_address)
        self._resets = (
            (parse(resets_per_account), "account"),
            (parse(resets_per_address), "address"),
        )

    async def locked_out(self, account: str, address: str) -> int | None:
        """Seconds left of the lock-out of ``account`` or ``address``; ``None`` if neither is."""
        try:
            for who in (f"account:{account}", f"address:{address}"):
                if not await self._limiter.test(self._lock, _LOCKED, who):
                    return await self._seconds_left(self._lock, _LOCKED, who)
        except StorageError as exc:
            log.warning("throttle counters unreachable; not throttling", error=str(exc))
        return None

    async def failed(self, account: str, address: str) -> None:
        """Count a failed sign-in; lock out the account or address whose budget is spent."""
        try:
            for item, who in (
                (self._per_account, f"account:{account}"),
                (self._per_address, f"address:{address}"),
            ):
                await self._limiter.hit(item, _FAILED, who)
                if not await self._limiter.test(item, _FAILED, who):
                    await self._limiter.hit(self._lock, _LOCKED, who)
                    await self._limiter.clear(item, _FAILED, who)
                    log.warning("sign-in locked out", who=who)
        except StorageError as exc:
            log.warning("throttle counters unreachable; not throttling", error=str(exc))

    async def succeeded(self, account: str) -> None:
        """Forget the account's failed sign-ins (its address's stay counted)."""
        try:
            await self._limiter.clear(self._per_account, _FAILED, f"account:{account}")
        except StorageError as exc:
            log.warning("throttle counters unreachable; not throttling", error=str(exc))

    async def flooding(self, address: str) -> int | None:
        """Seconds until ``address`` may present unknown credentials again, if it is over."""
        try:
            if not await self._limiter.test(self._invalid, _INVALID, address):
                return await self._seconds_left(self._invalid, _INVALID, address)
        except StorageError as exc:
            log.warning("throttle counters unreachable; not throttling", error=str(exc))
        return None

    async def invalid(self, address: str) -> None:
        """Count an invalid credential presented from ``address``."""
        try:
            await self._limiter.hit(self._invalid, _INVALID, address)
        except StorageError as exc:
            log.warning("throttle counters unreachable; not throttling", error=str(exc))

    async def reset_requested(self, account: str, address: str) -> int | None:
        """Count a password-reset request; seconds to wait when a budget is spent, else ``None``."""
        try:
            for item, kind in self._resets:
                who = f"{kind}:{account if kind == 'account' else address}"
                if not await self._limiter.hit(item, _RESET, who):
                    return await self._seconds_left(item, _RESET, who)
        except StorageError as exc:
            log.warning("throttle counters unreachable; not throttling", error=str(exc))
        return None

    async def _seconds_left(self, item: RateLimitItem, namespace: str, who: str) -> int:
        stats = await self._limiter.get_window_stats(item, namespace, who)
        return max(1, math.ceil(stats.reset_time - time.time()))
