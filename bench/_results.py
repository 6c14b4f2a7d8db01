"""What a benchmark reports: rows of figures, each with its unit and, if any, its goal."""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("Goal", "Outcome", "Row", "Status", "row")

Status = Literal["met", "missed", "info", "not measured", "error"]

_COMPARE: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
}
_SYMBOL = {">=": "≥", ">": ">", "<=": "≤", "<": "<"}


@dataclass(frozen=True, slots=True)
class Goal:
    """A target a figure is compared with, e.g. ``Goal(">=", 0.85)``.

    Attributes:
        op: ``>=``, ``>``, ``<=`` or ``<``.
        target: The threshold, in the figure's unit.
        unit: How to print the threshold when it differs from the figure's unit.
        label: The goal in words, when it is more than one threshold.
    """

    op: Literal[">=", ">", "<=", "<"]
    target: float
    unit: str = ""
    label: str = ""

    def met(self, value: float) -> bool:
        """Tell whether ``value`` meets the goal."""
        return _COMPARE[self.op](value, self.target)

    def __str__(self) -> str:
        if self.label:
            return self.label
        return f"{_SYMBOL[self.op]} {self.target:g}{' ' + self.unit if self.unit else ''}"


@dataclass(slots=True, kw_only=True)
class Row:
    """One figure of the table.

    Attributes:
        benchmark: The benchmark that measured it (``gate``, ``read``, ...).
        measure: What was measured, in words.
        value: The figure, or ``None`` when not measured.
        unit: ``req/s``, ``ratio``, ``s``, ``MB``, ``ns/call``, ...
        goal: The goal (README.md, "Performance"), when the figure has one.
        status: ``met``/``missed`` against the goal, ``info`` without one, ``not measured``.
        baseline: What a ratio is taken against.
        note: Supporting figures in a few words (latencies, CPU, spread).
        detail: Every raw figure behind the value (rounds, latencies, CPU), for the JSON.
    """

    benchmark: str
    measure: str
    value: float | None
    unit: str
    goal: Goal | None = None
    status: Status = "info"
    baseline: str | None = None
    note: str = ""
    detail: dict[str, Any] = field(default_factory=dict)


def row(
    benchmark: str,
    measure: str,
    value: float | None,
    unit: str,
    *,
    goal: Goal | None = None,
    baseline: str | None = None,
    note: str = "",
    detail: dict[str, Any] | None = None,
) -> Row:
    """Build a :class:`Row`, judging ``value`` against ``goal``."""
    status: Status
    if value is None:
        status = "not measured"
    elif goal is None:
        status = "info"
    else:
        status = "met" if goal.met(value) else "missed"
    return Row(
        benchmark=benchmark,
        measure=measure,
        value=value,
        unit=unit,
        goal=goal,
        status=status,
        baseline=baseline,
        note=note,
        detail=detail or {},
    )


@dataclass(slots=True, kw_only=True)
class Outcome:
    """What one benchmark produced: its rows, or the error that broke it.

    Attributes:
        name: The benchmark's name.
        rows: Its figures.
        error: Why it broke (``None`` when it ran).
        seconds: How long it took, set-up included.
    """

    name: str
    rows: list[Row] = field(default_factory=list)
    error: str | None = None
    seconds: float = 0.0
