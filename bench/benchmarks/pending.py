"""``pending``: performance goals whose features do not exist yet, listed unmeasured."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench._results import row

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

_NOTE = "not yet measured: the feature is not built yet (later issue)"

_PENDING = ()


def run(ctx: Context) -> list[Row]:
    """Return one unmeasured row per goal that has nothing to measure yet."""
    return [
        row(benchmark, measure, None, unit, goal=goal, note=_NOTE)
        for benchmark, measure, unit, goal in _PENDING
    ]
