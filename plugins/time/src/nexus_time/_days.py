"""Per-day figures of one employee: hours worked, first clock-in, rostered shift, leave."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from nexus_hookspecs.http import invalid

from nexus_time._hours import (
    EARLIEST,
    LATEST,
    hours_of,
    in_range,
    local_day,
    span_seconds,
    start_instant,
    utc_bounds,
)

if TYPE_CHECKING:
    from decimal import Decimal
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("Day", "MAX_DAYS", "check_period", "days_of", "leave_days")

MAX_DAYS = 366
"""The longest period a report or a query over days covers."""


@dataclass
class Day:
    """One local day of one employee."""

    seconds: float = 0.0
    first_in: datetime | None = None
    open_record: bool = False
    shift_start: datetime | None = None
    spans: list[tuple[datetime, datetime | None]] = field(default_factory=list)

    @property
    def hours(self) -> Decimal:
        """Hours worked that day, to the hundredth."""
        return hours_of(self.seconds)

    @property
    def present(self) -> bool:
        """Whether the employee clocked in that day."""
        return self.first_in is not None


def check_period(date_from: date, date_to: date) -> None:
    """422 unless ``date_from`` ≤ ``date_to`` and the period spans at most a year."""
    for key, day in (("date_from", date_from), ("date_to", date_to)):
        if not in_range(day):
            invalid(key, f"between {EARLIEST} and {LATEST}", source="query")
    if date_to < date_from:
        invalid("date_to", "must not be before date_from", source="query")
    if (date_to - date_from).days >= MAX_DAYS:
        invalid("date_to", f"a period spans at most {MAX_DAYS} days", source="query")


async def days_of(
    conn: Connection, employee_id: UUID, zone_name: str, date_from: date, date_to: date
) -> dict[date, Day]:
    """Every day from ``date_from`` to ``date_to`` (local), with what was clocked and rostered.

    A record counts on the local day of its clock-in, in the zone it was clocked in.
    """
    days = {date_from + timedelta(days=n): Day() for n in range((date_to - date_from).days + 1)}
    start, end = utc_bounds(date_from, date_to)
    records = await conn.fetch(
        "select a.id, a.clock_in, a.clock_out, a.time_zone, "
        "coalesce(array_agg(b.start_at order by b.start_at) filter (where b.id is not null), "
        "'{}') as break_starts, "
        "coalesce(array_agg(b.end_at order by b.start_at) filter (where b.id is not null), "
        "'{}') as break_ends "
        "from time_attendance a left join time_break b on b.attendance_id = a.id "
        "where a.employee_id = $1 and a.clock_in >= $2 and a.clock_in < $3 "
        "group by a.tenant_id, a.id order by a.clock_in",
        employee_id,
        start,
        end,
    )
    for record in records:
        day = days.get(local_day(record["clock_in"], record["time_zone"]))
        if day is None:
            continue
        breaks = list(zip(record["break_starts"], record["break_ends"], strict=True))
        day.seconds += span_seconds(record["clock_in"], record["clock_out"], breaks)
        day.open_record = day.open_record or record["clock_out"] is None
        day.spans.append((record["clock_in"], record["clock_out"]))
        if day.first_in is None or record["clock_in"] < day.first_in:
            day.first_in = record["clock_in"]
    rostered = await conn.fetch(
        "select r.day, s.start_time, s.time_zone from time_roster r join time_shift s "
        "on s.id = r.shift_id where r.employee_id = $1 and r.day between $2 and $3",
        employee_id,
        date_from,
        date_to,
    )
    for roster in rostered:
        start_at: time = roster["start_time"]
        days[roster["day"]].shift_start = start_instant(
            roster["day"], start_at, roster["time_zone"] or zone_name
        )
    return days


async def leave_days(
    conn: Connection, employee_id: UUID, date_from: date, date_to: date
) -> dict[date, str]:
    """The days of approved (not cancelled) leave in the period, with the leave type."""
    rows = await conn.fetch(
        "select leave_type, date_from, date_to from time_absence where employee_id = $1 and "
        "not cancelled and date_from <= $3 and date_to >= $2",
        employee_id,
        date_from,
        date_to,
    )
    found: dict[date, str] = {}
    for row in rows:
        day = max(row["date_from"], date_from)
        while day <= min(row["date_to"], date_to):
            found[day] = row["leave_type"] or "leave"
            day += timedelta(days=1)
    return found
