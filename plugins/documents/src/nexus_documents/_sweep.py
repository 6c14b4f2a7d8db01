"""The background retention sweep: every tenant with Documents on, every hour.

``POST /retention/sweep`` sweeps one tenant when an operator or a test asks; this runs the
same sweep for every tenant from the plugin's background work. ``NEXUS_DOCUMENTS_SWEEP_S``
sets the interval in seconds (3600 by default; 0 turns the background sweep off, leaving
the route).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import structlog

from nexus_documents._retention import sweep_tenant

if TYPE_CHECKING:
    from nexus_hookspecs import Background

__all__ = ("INTERVAL_ENV", "Sweeper", "sweep")

INTERVAL_ENV = "NEXUS_DOCUMENTS_SWEEP_S"
log = structlog.get_logger("nexus_documents")


async def sweep(work: Background, today: date) -> int:
    """Sweep every tenant with Documents on at ``today``; return the documents expired.

    Each tenant is swept in its own transaction: one tenant's failure is logged and the
    others are still swept.
    """
    expired = 0
    for tenant_id in await work.tenants():
        try:
            async with work.as_tenant(tenant_id) as ctx:
                result = await sweep_tenant(ctx.conn, ctx.events, ctx.services, today=today)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still swept
            log.exception("retention sweep failed for a tenant", tenant_id=str(tenant_id))
            continue
        expired += result.expired
    return expired


class Sweeper:
    """Runs :func:`sweep` every ``interval`` seconds on the app's loop until stopped.

    One per process; an app started inside another (as tests do) sweeps until it stops,
    and :attr:`work` is the innermost running app's port.
    """

    def __init__(self) -> None:
        self._runs: list[
            tuple[Background, asyncio.Task[None] | None, asyncio.AbstractEventLoop]
        ] = []

    @property
    def work(self) -> Background | None:
        """The ``Background`` port of the app started last and still running."""
        return self._runs[-1][0] if self._runs else None

    def start(self, work: Background) -> None:
        """Keep ``work`` and start sweeping, unless the interval is 0."""
        interval = float(os.environ.get(INTERVAL_ENV, "3600"))
        task = None
        if interval > 0:
            task = asyncio.get_running_loop().create_task(self._run(work, interval))
        self._runs.append((work, task, asyncio.get_running_loop()))

    async def _run(self, work: Background, interval: float) -> None:
        while True:
            try:
                await sweep(work, datetime.now(UTC).date())
            except Exception:  # noqa: BLE001 - the sweep must outlive a database outage
                log.exception("retention sweep failed")
            await asyncio.sleep(interval)

    async def stop(self) -> None:
        """Stop the sweep of the app shutting down: the one started on this event loop.

        Apps need not stop in the order they started (tests keep several); a sweep under
        way is cancelled and its transaction rolls back.
        """
        loop = asyncio.get_running_loop()
        mine = [run for run in self._runs if run[2] is loop]
        if not mine:
            return
        run = mine[-1]
        self._runs.remove(run)
        task = run[1]
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
