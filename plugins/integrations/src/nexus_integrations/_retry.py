"""Retries with exponential backoff for calls to a remote system, honouring its rate limit.

A call that fails on the network, or that the remote answers 429 or 5xx, is tried again
after 0.2 s, 0.4 s, 0.8 s … (``Retry-After`` wins when the remote sends one, capped at
30 s); after ``attempts`` tries the last error is raised.
"""

from __future__ import annotations

import time
import xmlrpc.client
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("retrying",)

T = TypeVar("T")

_RETRIED_STATUS = frozenset({429, 500, 502, 503, 504})


def _wait(error: Exception, attempt: int, base: float) -> float | None:
    """How long to wait before the next try, or None when ``error`` is not worth retrying."""
    if isinstance(error, xmlrpc.client.ProtocolError):
        if error.errcode not in _RETRIED_STATUS:
            return None
        after = str((error.headers or {}).get("Retry-After") or "")
        if after.isdigit():
            return min(float(after), 30.0)
    elif not isinstance(error, OSError):
        return None
    return base * (1 << attempt)


def retrying(call: Callable[[], T], *, attempts: int = 4, base: float = 0.2) -> T:
    """Run ``call`` (blocking), retrying what a remote's transient failure warrants."""
    for attempt in range(attempts):
        try:
            return call()
        except (OSError, xmlrpc.client.ProtocolError) as error:
            wait = _wait(error, attempt, base)
            if wait is None or attempt == attempts - 1:
                raise
            time.sleep(wait)
    raise AssertionError("unreachable")
