"""Rate limits of the visitor routes (``limits``, moving windows in this process's memory)."""

from __future__ import annotations

from typing import Any

from limits import parse
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter
from litestar.exceptions import TooManyRequestsException

__all__ = ("throttle",)

_LIMITER = MovingWindowRateLimiter(MemoryStorage())


def throttle(request: Any, rate: str, *keys: str) -> None:
    """Count one hit of the client's address and ``keys`` against ``rate``; 429 over it."""
    host = request.client.host if request.client else "unknown"
    if not _LIMITER.hit(parse(rate), *keys, host):
        raise TooManyRequestsException("too many requests from this address")
