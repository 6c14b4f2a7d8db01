"""Periodic background work: a job run every N seconds on the app's loop until stopped."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus_hookspecs._ports import Background

__all__ = ("Periodic",)

log = logging.getLogger("nexus_hookspecs.periodic")


class Periodic:
    """Runs ``job(work)`` every ``interval`` seconds from ``nexus_background`` until stopped.

    The interval comes from the environment variable ``interval_env`` (``default_s`` when
    unset; ``0`` turns the loop off, and the job is then run by hand or by a route). A job
    that raises is logged and tried again at the next tick, so the loop outlives a database
    outage. An app started inside another (as tests do) runs its own loop until it stops, and
    :attr:`work` is the innermost running app's port (for a test that runs the job at a
    chosen moment).

    Args:
        job: The work of one tick (sweep every tenant: ``work.tenants()``, ``as_tenant``).
        name: What the log calls it (``"sla sweep"``).
        interval_env: The environment variable giving the interval in seconds.
        default_s: The interval when the variable is unset.
        first_at_start: Run the job at start, then every interval (else after the first).

    Example::

        SWEEP = Periodic(expire_carts, name="cart sweep", interval_env="NEXUS_SHOP_SWEEP_S")

        @hookimpl
        def nexus_background(work: Background) -> None:
            SWEEP.start(work)

        @hookimpl
        async def nexus_shutdown(app: object) -> None:
            await SWEEP.stop()
    """

    def __init__(
        self,
        job: Callable[[Background], Awaitable[Any]],
        *,
        name: str,
        interval_env: str,
        default_s: float = 60,
        first_at_start: bool = True,
    ) -> None:
        self.job = job
        self.name = name
        self.interval_env = interval_env
        self.default_s = default_s
        self.first_at_start = first_at_start
        self._runs: list[tuple[Background, asyncio.Task[None] | None]] = []

    @property
    def work(self) -> Background | None:
        """The ``Background`` port of the app started last and still running."""
        return self._runs[-1][0] if self._runs else None

    def start(self, work: Background) -> None:
        """Keep ``work`` and start the loop on the running event loop, unless it is off."""
        interval = float(os.environ.get(self.interval_env, str(self.default_s)))
        task = None
        if interval > 0:
            task = asyncio.get_running_loop().create_task(self._run(work, interval))
        self._runs.append((work, task))

    async def _run(self, work: Background, interval: float) -> None:
        if not self.first_at_start:
            await asyncio.sleep(interval)
        while True:
            try:
                await self.job(work)
            except Exception:  # the loop must outlive a database outage
                log.exception("%s failed", self.name)
            await asyncio.sleep(interval)

    async def stop(self) -> None:
        """Stop the latest loop (a tick under way is cancelled: its transaction rolls back)."""
        if not self._runs:
            return
        _, task = self._runs.pop()
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
