"""The SLA sweep: each tenant with Support on is checked every minute, as no one asks.

``POST /sla/check`` checks one tenant when an operator or a test asks; the sweep runs the
same check for every tenant from the plugin's background work, so breach and warning
events go out on their own. ``NEXUS_SUPPORT_SLA_SWEEP_S`` sets the interval in seconds
(60 by default; 0 turns the sweep off, leaving the route).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from nexus_support._sla_check import check

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("Sweeper", "sweep")

INTERVAL_ENV = "NEXUS_SUPPORT_SLA_SWEEP_S"
log = structlog.get_logger("nexus_support")


async def sweep(work: Background, now: datetime) -> int:
    """Check every tenant with Support on at ``now``; return the alerts published.

    Each tenant is checked in its own transaction: one tenant's failure is logged and the
    others are still checked.
    """
    alerts = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                result = await check(ctx.conn, ctx.events, now=now)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still checked
            log.exception("sla sweep failed for a tenant", tenant_id=str(tenant_id))
            continue
        alerts += result.warnings + result.breaches
    return alerts


class Sweeper:
    """Runs :func:`sweep` every ``interval`` seconds on the app's loop until stopped.

    One per process; an app started inside another (as tests do) sweeps until it stops,
    and :attr:`work` is the innermost running app's port.
    """

    def __init__(self) -> None:
        self._runs: list[tuple[Background, asyncio.Task[None] | None]] = []

    @property
    def work(self) -> Background | None:
        """The ``Background`` port of the app started last and still running."""
        return self._runs[-1][0] if self._runs else None

    def start(self, work: Background) -> None:
        """Keep ``work`` and start sweeping, unless the interval is 0."""
        interval = float(os.environ.get(INTERVAL_ENV, "60"))
        task = None
        if interval > 0:
            task = asyncio.get_running_loop().create_task(self._run(work, interval))
        self._runs.append((work, task))

    async def _run(self, work: Background, interval: float) -> None:
        while True:
            try:
                await sweep(work, datetime.now(UTC))
            except Exception:  # noqa: BLE001 - the sweep must outlive a database outage
                log.exception("sla sweep failed")
            await asyncio.sleep(interval)

    async def stop(self) -> None:
        """Stop the latest sweep (one under way is cancelled; its transaction rolls back)."""
        if not self._runs:
            return
        _, task = self._runs.pop()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
