"""Weekly timesheets: lines from entries and attendance, submit → approve/reject, the lock."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_time._days import days_of
from nexus_time._employees import employee_row, rules_for
from nexus_time._events import (
    TIMESHEET_APPROVED,
    TIMESHEET_REOPENED,
    EntryLine,
    TimesheetApproved,
    TimesheetReopened,
)
from nexus_time._hours import EARLIEST, LATEST, in_range, overtime

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

    from nexus_time._rows import Record
    from nexus_time._settings import TimeSettings

__all__ = ("LineOut", "TimesheetOut", "open_timesheet", "read_timesheet", "transition")

Action = Literal["submit", "approve", "reject", "reopen"]

_FROM: dict[Action, tuple[str, ...]] = {
    "submit": ("draft", "rejected"),
    "approve": ("submitted",),
    "reject": ("submitted",),
    "reopen": ("approved",),
}
_TO: dict[Action, str] = {
    "submit": "submitted",
    "approve": "approved",
    "reject": "rejected",
    "reopen": "draft",
}


class LineOut(msgspec.Struct, kw_only=True):
    """One line of a timesheet: an entry, or a day's clocked hours (``attendance``)."""

    date: date
    hours: str
    activity: str | None
    project_ref: str | None
    task_ref: str | None
    entry_id: UUID | None = None


class TimesheetOut(msgspec.Struct, kw_only=True):
    """A weekly timesheet: its lines, total and overtime (frozen once approved)."""

    id: UUID
    employee_id: UUID
    week_start: date
    week_end: date
    state: str
    lines: list[LineOut]
    total_hours: str
    overtime_hours: str
    submitted_at: datetime | None
    decided_by: str | None
    decided_at: datetime | None
    note: str | None


async def _lines(conn: Connection, employee: Record, monday: date) -> list[LineOut]:
    sunday = monday + timedelta(days=6)
    entries = await conn.fetch(
        "select id, day, hours, activity, project_ref, task_ref from time_entry "
        "where employee_id = $1 and day between $2 and $3 order by day, id",
        employee["id"],
        monday,
        sunday,
    )
    lines = [
        LineOut(
            date=row["day"],
            hours=str(row["hours"]),
            activity=row["activity"],
            project_ref=row["project_ref"],
            task_ref=row["task_ref"],
            entry_id=row["id"],
        )
        for row in entries
    ]
    with_entries = {line.date for line in lines}
    days = await days_of(conn, employee["id"], employee["time_zone"], monday, sunday)
    # A day with entries is told by its entries; any other day by what was clocked.
    lines.extend(
        LineOut(
            date=day, hours=str(info.hours), activity="attendance", project_ref=None, task_ref=None
        )
        for day, info in days.items()
        if day not in with_entries and info.hours > 0
    )
    return sorted(lines, key=lambda line: (line.date, line.entry_id is None))


def _totals(lines: list[LineOut]) -> dict[date, Decimal]:
    per_day: dict[date, Decimal] = {}
    for line in lines:
        per_day[line.date] = per_day.get(line.date, Decimal(0)) + Decimal(line.hours)
    return per_day


async def read_timesheet(
    conn: Connection, timesheet_id: UUID, settings: TimeSettings, *, lock: bool = False
) -> TimesheetOut:
    """A timesheet with its lines; an approved one as it was approved. 404 when absent."""
    row = await conn.fetchrow(
        "select * from time_timesheet where id = $1" + (" for update" if lock else ""),
        timesheet_id,
    )
    if row is None:
        not_found()
    employee = await employee_row(conn, row["employee_id"])
    if row["state"] == "approved" and row["lines"] is not None:
        lines = msgspec.json.decode(row["lines"], type=list[LineOut])
        total, extra = row["total_hours"], row["overtime_hours"]
    else:
        lines = await _lines(conn, employee, row["week_start"])
        per_day = _totals(lines)
        total = sum(per_day.values(), Decimal(0))
        extra = overtime(per_day, await rules_for(conn, employee, settings))
    return TimesheetOut(
        id=row["id"],
        employee_id=row["employee_id"],
        week_start=row["week_start"],
        week_end=row["week_start"] + timedelta(days=6),
        state=row["state"],
        lines=lines,
        total_hours=str(Decimal(total).quantize(Decimal("0.01"))),
        overtime_hours=str(Decimal(extra).quantize(Decimal("0.01"))),
        submitted_at=row["submitted_at"],
        decided_by=row["decided_by"],
        decided_at=row["decided_at"],
        note=row["note"],
    )


async def open_timesheet(
    conn: Connection, employee_id: UUID, week_start: date, settings: TimeSettings
) -> TimesheetOut:
    """Open the draft timesheet of an employee's week; 409 when that week has one."""
    if week_start.weekday() != 0:
        invalid("week_start", "must be a Monday")
    if not in_range(week_start):
        invalid("week_start", f"between {EARLIEST} and {LATEST}")
    await employee_row(conn, employee_id)
    timesheet_id = await conn.fetchval(
        "insert into time_timesheet (id, employee_id, week_start) values ($1, $2, $3) "
        "on conflict (tenant_id, employee_id, week_start) do nothing returning id",
        new_id(),
        employee_id,
        week_start,
    )
    if timesheet_id is None:
        existing = await conn.fetchval(
            "select id from time_timesheet where employee_id = $1 and week_start = $2",
            employee_id,
            week_start,
        )
        conflict("that week has a timesheet", timesheet_id=str(existing))
    return await read_timesheet(conn, timesheet_id, settings)


async def transition(
    conn: Connection,
    events: EventPublisher,
    timesheet_id: UUID,
    action: Action,
    *,
    settings: TimeSettings,
    actor: str | None,
    note: str | None = None,
) -> TimesheetOut:
    """Submit, approve, reject or reopen a timesheet; 409 from the wrong state.

    Approving freezes the lines, total and overtime and publishes
    ``time.timesheet.approved.v1``; reopening publishes ``time.timesheet.reopened.v1``.
    """
    sheet = await read_timesheet(conn, timesheet_id, settings, lock=True)
    if sheet.state not in _FROM[action]:
        conflict(f"a {sheet.state} timesheet cannot be {action}ed", state=sheet.state)
    state = _TO[action]
    frozen = None
    if action == "approve":
        frozen = msgspec.json.encode(sheet.lines).decode()
    await conn.execute(
        "update time_timesheet set state = $2, lines = $3::jsonb, "
        "total_hours = case when $2 = 'approved' then $4::numeric end, "
        "overtime_hours = case when $2 = 'approved' then $5::numeric end, "
        "submitted_at = case when $2 = 'submitted' then now() else submitted_at end, "
        "decided_by = case when $2 = 'submitted' then null else $6 end, "
        "decided_at = case when $2 = 'submitted' then null else now() end, "
        "note = case when $2 in ('approved', 'rejected') then $7 else note end where id = $1",
        timesheet_id,
        state,
        frozen,
        Decimal(sheet.total_hours),
        Decimal(sheet.overtime_hours),
        actor,
        note,
    )
    if action == "approve":
        await events.publish(
            conn,
            type=TIMESHEET_APPROVED,
            subject=str(timesheet_id),
            data=TimesheetApproved(
                timesheet_id=timesheet_id,
                employee_id=sheet.employee_id,
                week_start=sheet.week_start,
                total_hours=sheet.total_hours,
                overtime_hours=sheet.overtime_hours,
                entries=[
                    EntryLine(
                        date=line.date,
                        hours=line.hours,
                        activity=line.activity,
                        project_ref=line.project_ref,
                        task_ref=line.task_ref,
                    )
                    for line in sheet.lines
                ],
            ),
        )
    elif action == "reopen":
        await events.publish(
            conn,
            type=TIMESHEET_REOPENED,
            subject=str(timesheet_id),
            data=TimesheetReopened(
                timesheet_id=timesheet_id,
                employee_id=sheet.employee_id,
                week_start=sheet.week_start,
            ),
        )
    return await read_timesheet(conn, timesheet_id, settings)
