"""Rate limits of the callback routes (``limits``, moving windows in this process's memory).

Callbacks are visitor routes, each of which may ask a provider's status API: they are
limited per tenant and client address.
"""

from __future__ import annotations

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

__all__ = ("allowed",)

_LIMITER = MovingWindowRateLimiter(MemoryStorage())


def allowed(rate: str, *keys: str) -> bool:
    """Count one hit of ``keys`` against ``rate`` (``"10/second"``); false when over it."""
    return bool(_LIMITER.hit(parse(rate), *keys))
