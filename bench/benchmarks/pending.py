"""``pending``: goals from ARCHITECTURE.md whose features do not exist yet, listed unmeasured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench._results import Goal, row

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

_NOTE = "not yet measured: the feature is not built yet (later issue)"

_PENDING = (
    (
        "provisioning",
        "shared-placement tenant with a 6-plugin preset",
        "ms",
        Goal("<", 500, label="p50 < 500 ms; tenant #10,000 within 1.2× of #100"),
    ),
    (
        "outbox",
        "outbox → Kafka relay on 2 cores",
        "events/s",
        Goal(">=", 10_000, label="≥ 10,000 events/s; write-to-consumer p99 < 100 ms"),
    ),
)


def run(ctx: Context) -> list[Row]:
    """Return one unmeasured row per goal that has nothing to measure yet."""
    return [
        row(benchmark, measure, None, unit, goal=goal, note=_NOTE)
        for benchmark, measure, unit, goal in _PENDING
    ]
