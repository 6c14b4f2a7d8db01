"""A tenant's toggles read while it changes: nobody who asks after the change gets the old state."""

from __future__ import annotations

import asyncio
from uuid import uuid4

from nexus.features import Toggles


class _Reads:
    """Stands in for the database: each read returns the state current when it began."""

    def __init__(self) -> None:
        self.state = "disabled"
        self.started: list[asyncio.Event] = []
        self.release = asyncio.Event()

    async def __call__(self, tenant_id: object) -> str:
        began_with = self.state
        started = asyncio.Event()
        self.started.append(started)
        started.set()
        await self.release.wait()
        return began_with


def _toggles(reads: _Reads) -> Toggles:
    toggles = Toggles(None, None, lambda name: None)  # type: ignore[arg-type]
    toggles._read = reads  # type: ignore[method-assign]
    toggles.live = True
    return toggles


def test_a_caller_after_a_change_starts_its_own_read_instead_of_joining_an_older_one():
    async def scenario() -> tuple[str, str, str | None]:
        reads = _Reads()
        toggles = _toggles(reads)
        tenant = uuid4()
        before = asyncio.create_task(toggles.features(tenant))
        await asyncio.wait_for(_started(reads, 1), 5)
        reads.state = "enabled"  # the change commits while the first read is under way ...
        toggles.changed(str(tenant))  # ... and is announced
        after = asyncio.create_task(toggles.features(tenant))
        await asyncio.wait_for(_started(reads, 2), 5)
        reads.release.set()
        held = await after, await before
        return held[0], held[1], toggles.cached(tenant)  # type: ignore[return-value]

    after, before, kept = asyncio.run(scenario())
    assert after == "enabled"
    assert before == "disabled"  # those already waiting get the read they waited for
    assert kept == "enabled"  # and the read that predates the change is never kept


async def _started(reads: _Reads, count: int) -> None:
    while len(reads.started) < count:
        await asyncio.sleep(0)
