"""Rate limits (``limits``, moving windows in this process's memory).

Provider calls are limited per tenant and provider (their accounts have rates; a deployment
with N workers sets each tenant's rate to its share); visitor routes per tenant and client
address.
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
