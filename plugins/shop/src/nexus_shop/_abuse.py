"""Abuse protection of the storefront: moving-window rate limits per tenant and address.

The ``limits`` library keeps the windows in this process's memory: each process counts its
own share, which bounds a client by the number of processes in the worst case.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING, Any

from limits import RateLimitItemPerHour, RateLimitItemPerMinute, storage, strategies
from litestar.exceptions import TooManyRequestsException
from nexus_hookspecs.http import not_found

if TYPE_CHECKING:
    from litestar import Request
    from nexus_hookspecs import RequestContext

    from nexus_shop._settings import ShopSettings

__all__ = ("admit", "admit_checkout")

_LIMITER = strategies.MovingWindowRateLimiter(storage.MemoryStorage())


def _check(item: Any, scope: str, context: RequestContext, request: Request[Any, Any, Any]) -> None:
    if context.tenant_id is None:
        not_found()
    address = request.client.host if request.client else "unknown"
    keys = (scope, str(context.tenant_id), address)
    if _LIMITER.hit(item, *keys):
        return
    stats = _LIMITER.get_window_stats(item, *keys)
    wait = max(1, math.ceil(stats.reset_time - time.time()))
    raise TooManyRequestsException(
        "too many requests from this address: try again later",
        headers={"Retry-After": str(wait)},
    )


def admit(context: RequestContext, request: Request[Any, Any, Any], settings: ShopSettings) -> None:
    """Count one storefront request; 429 with ``Retry-After`` beyond the tenant's limit."""
    _check(RateLimitItemPerMinute(settings.storefront_per_minute), "shop.store", context, request)


def admit_checkout(
    context: RequestContext, request: Request[Any, Any, Any], settings: ShopSettings
) -> None:
    """Count one checkout attempt; 429 with ``Retry-After`` beyond the tenant's limit."""
    _check(RateLimitItemPerHour(settings.checkouts_per_hour), "shop.checkout", context, request)
