"""The expiry sweep: unpaid orders past their time are cancelled, stale carts abandoned.

``POST /orders/expire`` runs it for one tenant when an operator or a test asks; the sweep
runs the same for every tenant with Shop on from the plugin's background work.
``NEXUS_SHOP_SWEEP_S`` sets the interval in seconds (60 by default; 0 turns the sweep off,
leaving the route).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from nexus_shop._cancel import expire
from nexus_shop._settings import ShopSettings

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("INTERVAL_ENV", "Sweeper", "sweep")

INTERVAL_ENV = "NEXUS_SHOP_SWEEP_S"
log = structlog.get_logger("nexus_shop")


async def sweep(work: Background, now: datetime) -> int:
    """Expire every tenant's due orders at ``now``; how many orders were cancelled.

    Each tenant runs in its own transaction: one tenant's failure is logged and the others
    are still swept.
    """
    cancelled = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                found = await ctx.settings()
                settings = found if isinstance(found, ShopSettings) else ShopSettings()
                orders, _ = await expire(ctx.conn, ctx.events, ctx.services, settings, now=now)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still swept
            log.exception("shop sweep failed for a tenant", tenant_id=str(tenant_id))
            continue
        cancelled += orders
    return cancelled


class Sweeper:
    """Runs :func:`sweep` every ``interval`` seconds on the app's loop until stopped."""

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
                log.exception("shop sweep failed")
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
