"""Reports: attendance, overtime and absences per employee or team, and their CSV form."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from nexus_time._days import Day, check_period, days_of, leave_days
from nexus_time._employees import EMPLOYEE_COLUMNS, rules_for
from nexus_time._hours import late_minutes, overtime, week_start

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nexus_hookspecs import Connection

    from nexus_time._rows import Record
    from nexus_time._settings import TimeSettings

__all__ = (
    "AbsenceRow",
    "AttendanceRow",
    "OvertimeRow",
    "Report",
    "absence_report",
    "attendance_report",
    "overtime_report",
    "to_csv",
)


class AttendanceRow(msgspec.Struct, kw_only=True):
    """One employee's attendance over the period."""

    employee_id: UUID
    name: str
    department_id: UUID | None
    days_present: int
    worked_hours: str
    overtime_hours: str
    late_arrivals: int
    late_minutes: int
    leave_days: int
    open_records: int


class OvertimeRow(msgspec.Struct, kw_only=True):
    """One employee's week (cut to the period): hours, overtime and the thresholds used."""

    employee_id: UUID
    name: str
    week_start: date
    worked_hours: str
    overtime_hours: str
    daily_threshold_hours: str
    weekly_threshold_hours: str


class AbsenceRow(msgspec.Struct, kw_only=True):
    """A day an employee was away: on approved leave, or rostered and not clocked in."""

    employee_id: UUID
    name: str
    date: date
    kind: str
    leave_type: str | None


class Report(msgspec.Struct, kw_only=True):
    """A report: its name, period, columns and rows."""

    report: str
    date_from: date
    date_to: date
    columns: list[str]
    rows: list[Any]


def _columns(row_type: type[msgspec.Struct]) -> list[str]:
    return list(row_type.__struct_fields__)


async def _employees(
    conn: Connection, employee_id: UUID | None, department_id: UUID | None
) -> Sequence[Record]:
    return await conn.fetch(
        f"select {EMPLOYEE_COLUMNS} from time_employee where ($1::uuid is null or id = $1) "
        "and ($2::uuid is null or department_id = $2) order by name, id",
        employee_id,
        department_id,
    )


def _weeks(days: dict[date, Day]) -> dict[date, dict[date, Decimal]]:
    weeks: dict[date, dict[date, Decimal]] = {}
    for day, info in days.items():
        weeks.setdefault(week_start(day), {})[day] = info.hours
    return weeks


async def attendance_report(
    conn: Connection,
    settings: TimeSettings,
    *,
    date_from: date,
    date_to: date,
    employee_id: UUID | None = None,
    department_id: UUID | None = None,
) -> Report:
    """Days present, hours, overtime, late arrivals and leave days per employee."""
    check_period(date_from, date_to)
    rows = []
    for employee in await _employees(conn, employee_id, department_id):
        rules = await rules_for(conn, employee, settings)
        days = await days_of(conn, employee["id"], employee["time_zone"], date_from, date_to)
        leave = await leave_days(conn, employee["id"], date_from, date_to)
        lates = [
            late_minutes(info.first_in, info.shift_start, rules.grace_minutes)
            for info in days.values()
            if info.first_in is not None and info.shift_start is not None
        ]
        rows.append(
            AttendanceRow(
                employee_id=employee["id"],
                name=employee["name"],
                department_id=employee["department_id"],
                days_present=sum(1 for info in days.values() if info.present),
                worked_hours=str(sum((info.hours for info in days.values()), Decimal("0.00"))),
                overtime_hours=str(
                    sum((overtime(w, rules) for w in _weeks(days).values()), Decimal("0.00"))
                ),
                late_arrivals=sum(1 for minutes in lates if minutes > 0),
                late_minutes=sum(lates),
                leave_days=len(leave),
                open_records=sum(1 for info in days.values() if info.open_record),
            )
        )
    return Report(
        report="attendance",
        date_from=date_from,
        date_to=date_to,
        columns=_columns(AttendanceRow),
        rows=rows,
    )


async def overtime_report(
    conn: Connection,
    settings: TimeSettings,
    *,
    date_from: date,
    date_to: date,
    employee_id: UUID | None = None,
    department_id: UUID | None = None,
) -> Report:
    """Per employee and week (Monday start, cut to the period): hours and overtime."""
    check_period(date_from, date_to)
    rows = []
    for employee in await _employees(conn, employee_id, department_id):
        rules = await rules_for(conn, employee, settings)
        days = await days_of(conn, employee["id"], employee["time_zone"], date_from, date_to)
        for monday, per_day in sorted(_weeks(days).items()):
            worked = sum(per_day.values(), Decimal("0.00"))
            if not worked:
                continue
            rows.append(
                OvertimeRow(
                    employee_id=employee["id"],
                    name=employee["name"],
                    week_start=monday,
                    worked_hours=str(worked),
                    overtime_hours=str(overtime(per_day, rules)),
                    daily_threshold_hours=str(rules.daily_hours),
                    weekly_threshold_hours=str(rules.weekly_hours),
                )
            )
    return Report(
        report="overtime",
        date_from=date_from,
        date_to=date_to,
        columns=_columns(OvertimeRow),
        rows=rows,
    )


async def absence_report(
    conn: Connection,
    *,
    date_from: date,
    date_to: date,
    employee_id: UUID | None = None,
    department_id: UUID | None = None,
) -> Report:
    """Days away: approved leave (from HR's events), and rostered days with no clock-in."""
    check_period(date_from, date_to)
    rows = []
    for employee in await _employees(conn, employee_id, department_id):
        days = await days_of(conn, employee["id"], employee["time_zone"], date_from, date_to)
        leave = await leave_days(conn, employee["id"], date_from, date_to)
        day = date_from
        while day <= date_to:
            info = days[day]
            if day in leave:
                rows.append(
                    AbsenceRow(
                        employee_id=employee["id"],
                        name=employee["name"],
                        date=day,
                        kind="leave",
                        leave_type=leave[day],
                    )
                )
            elif info.shift_start is not None and not info.present:
                rows.append(
                    AbsenceRow(
                        employee_id=employee["id"],
                        name=employee["name"],
                        date=day,
                        kind="unexplained",
                        leave_type=None,
                    )
                )
            day += timedelta(days=1)
    return Report(
        report="absences",
        date_from=date_from,
        date_to=date_to,
        columns=_columns(AbsenceRow),
        rows=rows,
    )


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = str(value)
    # Spreadsheets run cells starting like a formula: quote them.
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def to_csv(report: Report) -> str:
    """The report's rows as CSV, a header line first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(report.columns)
    for row in report.rows:
        writer.writerow([_cell(value) for value in msgspec.structs.asdict(row).values()])
    return buffer.getvalue()
