"""Time arithmetic: elapsed hours in UTC, local days and weeks, overtime and lateness.

Instants are stored in UTC, so a span's hours are its real elapsed time whatever the clocks
did in between (a night shift across a DST change counts 7 or 9 hours, not 8). Days and
weeks are the employee's local ones: a record belongs to the local day its clock-in falls
on, and weeks start on Monday.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

__all__ = (
    "EARLIEST",
    "LATEST",
    "Rules",
    "in_range",
    "hours_of",
    "late_minutes",
    "local_day",
    "overtime",
    "span_seconds",
    "start_instant",
    "utc_bounds",
    "valid_zone",
    "week_start",
    "zone",
)

_CENT = Decimal("0.01")
_SECONDS_PER_HOUR = Decimal(3600)


EARLIEST = date(1900, 1, 1)
"""The first day the plugin takes (days and instants outside answer 422)."""

LATEST = date(2999, 12, 31)
"""The last day the plugin takes."""


def in_range(value: date | datetime) -> bool:
    """Whether a day or an instant lies between :data:`EARLIEST` and :data:`LATEST`."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


@dataclass(frozen=True)
class Rules:
    """Overtime and lateness rules in force for one employee."""

    daily_hours: Decimal
    weekly_hours: Decimal
    grace_minutes: int


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone this system knows."""
    if not name or name.startswith(("/", ".")) or ".." in name:
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def zone(name: str) -> ZoneInfo:
    """The zone named ``name``, UTC when unknown (stored names were checked on the way in)."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return ZoneInfo("UTC")


def hours_of(seconds: float) -> Decimal:
    """Seconds as hours, rounded to the hundredth."""
    return (Decimal(round(seconds)) / _SECONDS_PER_HOUR).quantize(_CENT, ROUND_HALF_UP)


def span_seconds(
    start: datetime, end: datetime | None, breaks: Iterable[tuple[datetime, datetime | None]]
) -> float:
    """Elapsed seconds from ``start`` to ``end`` less the closed breaks (0 while open)."""
    if end is None:
        return 0.0
    total = (end - start).total_seconds()
    for break_start, break_end in breaks:
        if break_end is not None:
            total -= (min(break_end, end) - max(break_start, start)).total_seconds()
    return max(total, 0.0)


def local_day(instant: datetime, zone_name: str) -> date:
    """The local date of ``instant`` in ``zone_name``."""
    return instant.astimezone(zone(zone_name)).date()


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def utc_bounds(date_from: date, date_to: date) -> tuple[datetime, datetime]:
    """UTC instants surely covering local days ``date_from``..``date_to`` in any zone."""
    start = datetime.combine(date_from - timedelta(days=1), time(), tzinfo=UTC)
    end = datetime.combine(date_to + timedelta(days=2), time(), tzinfo=UTC)
    return start, end


def start_instant(day: date, at: time, zone_name: str) -> datetime:
    """The instant a local time ``at`` on ``day`` names in ``zone_name`` (UTC)."""
    return datetime.combine(day, at, tzinfo=zone(zone_name)).astimezone(UTC)


def late_minutes(clock_in: datetime, shift_start: datetime, grace: int) -> int:
    """Minutes late (0 when within ``grace`` minutes of the start)."""
    late = (clock_in - shift_start).total_seconds() / 60
    return math.ceil(late) if late > grace else 0


def overtime(per_day: Mapping[date, Decimal], rules: Rules) -> Decimal:
    """Overtime of one week's days: the larger of the daily excesses and the weekly excess.

    A day's hours beyond ``rules.daily_hours`` are overtime; so are the week's beyond
    ``rules.weekly_hours``; the two are not added (the same hour is not paid twice).
    """
    daily = sum(
        (max(hours - rules.daily_hours, Decimal(0)) for hours in per_day.values()), Decimal(0)
    )
    weekly = max(sum(per_day.values(), Decimal(0)) - rules.weekly_hours, Decimal(0))
    return max(daily, weekly).quantize(_CENT)
