"""Per-request shortcuts that must not change answers: hook callers, rate-limit counters."""

from __future__ import annotations

import asyncio

import pytest
from kernel_samples.others import named, plugin
from limits.aio.storage import MemoryStorage
from nexus.http import _ratelimit
from nexus.plugins import load_plugins
from nexus.settings import Settings
from nexus_hookspecs import Manifest


def _routes_of(name: str, calls: list[str]) -> object:
    return plugin(
        Manifest(name=name, version="1.0.0", title=name.title()),
        nexus_routes=lambda register: calls.append(name),
    )


def test_calling_one_plugin_reaches_only_it_every_time():
    calls: list[str] = []
    plugins = [_routes_of("one", calls), _routes_of("two", calls)]
    registry = load_plugins(Settings(), plugins=plugins)
    for _ in range(3):
        registry.call("one", "nexus_routes", register=None)
    registry.call("two", "nexus_routes", register=None)
    assert calls == ["one", "one", "one", "two"]


def test_a_failed_plugin_is_no_longer_called():
    calls: list[str] = []
    registry = load_plugins(Settings(), plugins=[_routes_of("one", calls), named("two")])
    registry.call("one", "nexus_routes", register=None)
    registry.fail("one", "its routes hook raised")
    registry.call("one", "nexus_routes", register=None)
    assert calls == ["one"]


class _Clock:
    """Stands in for the ``time`` module of the rate limiter."""

    def __init__(self, now: float) -> None:
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> _Clock:
    fake = _Clock(1_000_000.0)
    monkeypatch.setattr(_ratelimit, "time", fake)
    return fake


def test_in_process_counters_start_again_when_their_window_ends(clock):
    storage = _ratelimit._SweepingMemoryStorage()
    assert [storage.count("key", 60) for _ in range(3)] == [1, 2, 3]
    clock.now += 59.9
    assert storage.count("key", 60) == 4
    clock.now += 0.1
    assert storage.count("key", 60) == 1
    assert storage.expirations["key"] == clock.now + 60


def test_expired_counters_are_swept_at_most_once_a_second(clock):
    storage = _ratelimit._SweepingMemoryStorage()
    storage.count("brief", 1)
    clock.now += 2
    storage.count("other", 60)  # the first sweep: "brief" has expired
    assert "brief" not in storage.storage
    storage.count("brief", 1)
    clock.now += 1.5
    storage.count("other", 60)  # sweeps again: a second has passed
    assert "brief" not in storage.storage
    storage.count("brief", 0.1)
    clock.now += 0.5
    storage.count("other", 60)  # too soon for another sweep; "brief" waits for its read
    assert "brief" in storage.storage
    assert storage.count("brief", 0.1) == 1


def test_in_process_counting_matches_limits_own_incr():
    keys = ("a", "a", "b", "a", "b")
    ours = _ratelimit._SweepingMemoryStorage()
    theirs = MemoryStorage()

    async def theirs_counts() -> list[int]:
        return [await theirs.incr(key, 60) for key in keys]

    assert [ours.count(key, 60) for key in keys] == asyncio.run(theirs_counts()) == [1, 2, 1, 3, 2]
