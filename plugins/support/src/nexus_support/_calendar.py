"""Business-hours arithmetic over a working calendar (pure: no database, no clock).

A calendar is open on its weekdays between ``opens`` and ``closes`` local time, in its IANA
zone, except on the public holidays of its country (and subdivision, from the ``holidays``
package) and its own extra closed days. SLA targets are counted in its open seconds, so a
ticket opened on Friday at 16:00 with eight business hours to go is due on Monday at 15:00
(a 09:00–17:00 calendar), or on Tuesday when Monday is a holiday.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import msgspec

__all__ = (
    "MAX_DAYS",
    "WorkCalendar",
    "add_business",
    "business_seconds",
    "region_known",
    "valid_zone",
)

MAX_DAYS = 3 * 366
"""How far the arithmetic looks ahead: a target not reachable within it is refused."""


@lru_cache(maxsize=256)
def _holidays(country: str, subdivision: str | None, year: int) -> frozenset[date]:
    import holidays  # noqa: PLC0415 -- 0.15 s at import: only workers whose SLAs run need it

    return frozenset(holidays.country_holidays(country, subdiv=subdivision, years=year))


def region_known(country: str, subdivision: str | None) -> bool:
    """Whether the ``holidays`` package knows ``country`` (and its ``subdivision``)."""
    try:
        _holidays(country, subdivision, 2000)
    except NotImplementedError:
        return False
    return True


def valid_zone(name: str) -> bool:
    """Whether ``name`` is an IANA time zone."""
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


class WorkCalendar(msgspec.Struct, frozen=True, kw_only=True):
    """When a support team works.

    Attributes:
        zone: The IANA zone its hours are in.
        weekdays: Open weekdays, 0 = Monday … 6 = Sunday.
        opens: Local opening time.
        closes: Local closing time (after ``opens``).
        country: ISO 3166-1 alpha-2 country whose public holidays close it, if any.
        subdivision: The country's subdivision for regional holidays, if any.
        closed_days: Extra local days it is closed.
    """

    zone: str
    weekdays: frozenset[int] = frozenset({0, 1, 2, 3, 4})
    opens: time = time(9)
    closes: time = time(17)
    country: str | None = None
    subdivision: str | None = None
    closed_days: frozenset[date] = frozenset()

    def is_open_day(self, day: date) -> bool:
        """Whether the calendar opens at all on the local ``day``."""
        if day.weekday() not in self.weekdays or day in self.closed_days:
            return False
        return self.country is None or day not in _holidays(
            self.country, self.subdivision, day.year
        )

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """The UTC instants the calendar opens and closes on the local ``day``, if open."""
        if not self.is_open_day(day) or self.closes <= self.opens:
            return None
        zone = ZoneInfo(self.zone)
        start = datetime.combine(day, self.opens, tzinfo=zone).astimezone(UTC)
        end = datetime.combine(day, self.closes, tzinfo=zone).astimezone(UTC)
        return (start, end) if end > start else None

    def local_day(self, instant: datetime) -> date:
        """The calendar's local day of a (timezone-aware) instant."""
        return instant.astimezone(ZoneInfo(self.zone)).date()


def business_seconds(calendar: WorkCalendar, start: datetime, end: datetime) -> int:
    """Open seconds of ``calendar`` between two instants (0 when ``end`` is not later)."""
    if end <= start:
        return 0
    total = 0.0
    day = calendar.local_day(start) - timedelta(days=1)
    last = calendar.local_day(end) + timedelta(days=1)
    while day <= last:
        window = calendar.window(day)
        if window is not None:
            begin, finish = max(window[0], start), min(window[1], end)
            if finish > begin:
                total += (finish - begin).total_seconds()
        day += timedelta(days=1)
    return int(total)


def add_business(calendar: WorkCalendar, start: datetime, seconds: int) -> datetime:
    """The instant ``seconds`` open seconds of ``calendar`` after ``start``.

    Zero seconds from a closed moment answer ``start`` itself.

    Raises:
        ValueError: The calendar has no open hours within :data:`MAX_DAYS` days.
    """
    if seconds <= 0:
        return start
    left = float(seconds)
    day = calendar.local_day(start) - timedelta(days=1)
    for _ in range(MAX_DAYS):
        window = calendar.window(day)
        day += timedelta(days=1)
        if window is None or window[1] <= start:
            continue
        begin = max(window[0], start)
        available = (window[1] - begin).total_seconds()
        if left <= available:
            return begin + timedelta(seconds=left)
        left -= available
    raise ValueError("the calendar has no open hours in reach")
