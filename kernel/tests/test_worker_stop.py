"""The event worker stops even when a task lost its cancellation.

On Python 3.11 a cancellation that lands as an ``asyncio.wait_for`` inside a driver
completes is lost: the task carries on. A consumer that lost it used to loop forever, and
``EventWorker.stop()`` (so ``nexus worker``'s shutdown, and every test's event worker) with
it. The bus below loses the first cancellation its consumer gets, as such a driver call
would.
"""

from __future__ import annotations

import asyncio
from typing import Any

from nexus.events import Consumer, EventWorker
from nexus.testing import run_sync


class _LosingBus:
    """A bus whose consumer swallows the first cancellation and reads nothing."""

    name = "postgres"

    def __init__(self) -> None:
        self.lost = 0

    async def start(self) -> None:
        """Nothing to connect."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def relay_once(self) -> int:
        return 0

    async def consume_once(self, consumer: Consumer, delivery: Any) -> int:
        if self.lost:
            await asyncio.sleep(0.05)
            return 0
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            self.lost += 1  # lost, as a driver's wait_for can lose it
        return 0


def test_stop_ends_a_consumer_that_lost_its_cancellation(nexus_database_url: str) -> None:
    bus = _LosingBus()

    async def run() -> None:
        worker = EventWorker(
            bus,
            [Consumer(name="losing")],
            None,  # type: ignore[arg-type]
            database_url=nexus_database_url,
            relay=False,
        )
        await worker.start()
        await asyncio.sleep(0.2)
        await asyncio.wait_for(worker.stop(), timeout=20)

    run_sync(run())
    assert bus.lost == 1
