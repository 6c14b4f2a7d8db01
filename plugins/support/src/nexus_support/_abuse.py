"""Abuse protection of the public form: a moving-window rate limit per tenant and address.

The ``limits`` library keeps the windows in this process's memory: each process counts its
own share, which bounds a client by the number of processes in the worst case.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from limits import RateLimitItemPerHour, storage, strategies

if TYPE_CHECKING:
    from uuid import UUID

__all__ = ("admit",)

_LIMITER = strategies.MovingWindowRateLimiter(storage.MemoryStorage())


def admit(*, tenant_id: UUID, address: str, per_hour: int) -> int | None:
    """Count one submission; ``None`` when admitted, else the seconds to wait."""
    item = RateLimitItemPerHour(per_hour)
    if _LIMITER.hit(item, "support.form", str(tenant_id), address):
        return None
    stats = _LIMITER.get_window_stats(item, "support.form", str(tenant_id), address)
    return max(1, math.ceil(stats.reset_time - time.time()))
