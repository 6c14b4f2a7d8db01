"""``nexus_hookspecs.Periodic``: a plugin's background job every N seconds until stopped."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from nexus_hookspecs import Periodic

VARIABLE = "NEXUS_PERIODIC_TEST_S"


def _run(periodic: Periodic, work: Any, seconds: float) -> None:
    async def main() -> None:
        periodic.start(work)
        await asyncio.sleep(seconds)
        await periodic.stop()

    asyncio.run(main())


def test_the_job_runs_every_interval_and_outlives_its_failures(monkeypatch, caplog):
    monkeypatch.setenv(VARIABLE, "0.02")
    ticks: list[Any] = []

    async def job(work: Any) -> None:
        ticks.append(work)
        if len(ticks) == 2:
            raise RuntimeError("the database is away")

    periodic = Periodic(job, name="test sweep", interval_env=VARIABLE)
    _run(periodic, "work", 0.3)

    assert len(ticks) >= 4, "a failing tick does not end the loop"
    assert set(ticks) == {"work"}
    assert "test sweep failed" in caplog.text
    assert periodic.work is None, "stopped: no running app's port is kept"
    count = len(ticks)
    asyncio.run(asyncio.sleep(0.1))
    assert len(ticks) == count, "nothing runs after stop"


@pytest.mark.parametrize(("first_at_start", "ran"), [(True, 1), (False, 0)])
def test_the_first_tick_is_at_start_unless_told_otherwise(monkeypatch, first_at_start, ran):
    monkeypatch.setenv(VARIABLE, "60")
    ticks: list[Any] = []

    async def job(work: Any) -> None:
        ticks.append(work)

    periodic = Periodic(job, name="t", interval_env=VARIABLE, first_at_start=first_at_start)
    _run(periodic, "work", 0.05)

    assert len(ticks) == ran


def test_an_interval_of_0_keeps_the_port_but_runs_nothing(monkeypatch):
    monkeypatch.setenv(VARIABLE, "0")
    ticks: list[Any] = []

    async def job(work: Any) -> None:
        ticks.append(work)

    periodic = Periodic(job, name="t", interval_env=VARIABLE)

    async def main() -> Any:
        periodic.start("outer")
        periodic.start("inner")  # an app started inside another, as tests do
        innermost = periodic.work
        await periodic.stop()
        return innermost, periodic.work

    assert asyncio.run(main()) == ("inner", "outer")
    assert ticks == []
