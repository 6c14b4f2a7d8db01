"""Attendance records: clock in and out, breaks, the audit trail and the weekly lock."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_time._employees import ensure_active
from nexus_time._hours import (
    EARLIEST,
    LATEST,
    hours_of,
    in_range,
    local_day,
    span_seconds,
    week_start,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nexus_hookspecs import Connection

    from nexus_time._rows import Record

__all__ = (
    "AttendanceOut",
    "BreakOut",
    "Punch",
    "audit",
    "ensure_week_open",
    "punch",
    "read_record",
    "snapshot",
)

Source = Literal["api", "admin", "kiosk", "correction"]
Action = Literal["in", "out", "break_start", "break_end"]


class BreakOut(msgspec.Struct, kw_only=True):
    """A break: its start, and its end once taken."""

    id: UUID
    start_at: datetime
    end_at: datetime | None


class AttendanceOut(msgspec.Struct, kw_only=True):
    """An attendance record: UTC instants, the zone, the local day and the hours worked."""

    id: UUID
    employee_id: UUID
    clock_in: datetime
    clock_out: datetime | None
    time_zone: str
    day: date
    worked_hours: str
    source: str
    latitude: str | None
    longitude: str | None
    ip: str | None
    breaks: list[BreakOut]


class Punch(msgspec.Struct, kw_only=True):
    """Where and how a punch was made (what the tenant's settings let us keep)."""

    source: Source
    actor: str | None
    at: datetime | None = None
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    ip: str | None = None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


async def read_record(conn: Connection, attendance_id: UUID) -> AttendanceOut:
    """One attendance record with its breaks; 404 when absent."""
    row = await conn.fetchrow("select * from time_attendance where id = $1", attendance_id)
    if row is None:
        not_found()
    breaks = await conn.fetch(
        "select id, start_at, end_at from time_break where attendance_id = $1 order by start_at",
        attendance_id,
    )
    return to_out(row, breaks)


def to_out(row: Record, breaks: Sequence[Record]) -> AttendanceOut:
    """An attendance row and its break rows as the API shows them."""
    spans = [(b["start_at"], b["end_at"]) for b in breaks]
    return AttendanceOut(
        id=row["id"],
        employee_id=row["employee_id"],
        clock_in=row["clock_in"],
        clock_out=row["clock_out"],
        time_zone=row["time_zone"],
        day=local_day(row["clock_in"], row["time_zone"]),
        worked_hours=str(hours_of(span_seconds(row["clock_in"], row["clock_out"], spans))),
        source=row["source"],
        latitude=_text(row["latitude"]),
        longitude=_text(row["longitude"]),
        ip=row["ip"],
        breaks=[BreakOut(id=b["id"], start_at=b["start_at"], end_at=b["end_at"]) for b in breaks],
    )


def snapshot(record: AttendanceOut) -> dict[str, Any]:
    """What the audit trail keeps of a record: its instants and breaks."""
    return {
        "clock_in": record.clock_in.isoformat(),
        "clock_out": record.clock_out.isoformat() if record.clock_out else None,
        "breaks": [
            [b.start_at.isoformat(), b.end_at.isoformat() if b.end_at else None]
            for b in record.breaks
        ],
    }


async def audit(
    conn: Connection,
    attendance_id: UUID,
    *,
    action: str,
    actor: str | None,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
) -> None:
    """Add a line to a record's audit trail."""
    await conn.execute(
        "insert into time_audit (id, attendance_id, action, actor, before, after) "
        "values ($1, $2, $3, $4, $5::jsonb, $6::jsonb)",
        new_id(),
        attendance_id,
        action,
        actor,
        None if before is None else msgspec.json.encode(before).decode(),
        None if after is None else msgspec.json.encode(after).decode(),
    )


async def ensure_week_open(conn: Connection, employee_id: UUID, day: date) -> None:
    """409 when the week of ``day`` has a submitted or approved timesheet (it is locked)."""
    state = await conn.fetchval(
        "select state from time_timesheet where employee_id = $1 and week_start = $2 "
        "and state in ('submitted', 'approved')",
        employee_id,
        week_start(day),
    )
    if state is not None:
        conflict(
            f"the timesheet of the week of {week_start(day)} is {state}: its time is locked",
            week_start=str(week_start(day)),
            state=state,
        )


def _instant(at: datetime | None) -> datetime:
    if at is None:
        return datetime.now(UTC)
    if at.tzinfo is None:
        invalid("at", "give the instant with its UTC offset (2026-03-28T22:00:00+00:00)")
    if not in_range(at):
        invalid("at", f"between {EARLIEST} and {LATEST}")
    return at.astimezone(UTC)


async def _open_record(conn: Connection, employee_id: UUID) -> Record | None:
    return await conn.fetchrow(
        "select * from time_attendance where employee_id = $1 and clock_out is null for update",
        employee_id,
    )


async def _clock_in(
    conn: Connection, employee: Record, at: datetime, details: Punch
) -> AttendanceOut:
    employee_id = employee["id"]
    await ensure_week_open(conn, employee_id, local_day(at, employee["time_zone"]))
    last_out = await conn.fetchval(
        "select max(clock_out) from time_attendance where employee_id = $1", employee_id
    )
    if last_out is not None and at < last_out:
        conflict("the employee was clocked in then: correct that record instead")
    attendance_id = new_id()
    await conn.execute(
        "insert into time_attendance (id, employee_id, clock_in, time_zone, source, "
        "latitude, longitude, ip) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        attendance_id,
        employee_id,
        at,
        employee["time_zone"],
        details.source,
        details.latitude,
        details.longitude,
        details.ip,
    )
    record = await read_record(conn, attendance_id)
    await audit(
        conn,
        attendance_id,
        action="clock_in",
        actor=details.actor,
        before=None,
        after=snapshot(record),
    )
    return record


async def punch(
    conn: Connection, employee: Record, action: Action, details: Punch
) -> AttendanceOut:
    """Clock an employee in or out, or start or end a break; audited.

    Raises 409 when the punch does not fit the employee's state (clocking in twice, out
    without being in, a second break at once, an inactive employee, a locked week), 422
    when the instant is before what it closes.
    """
    ensure_active(employee)
    at = _instant(details.at)
    employee_id = employee["id"]
    # One punch per employee at a time (the open-record index would refuse the second).
    await conn.execute("select 1 from time_employee where id = $1 for update", employee_id)
    current = await _open_record(conn, employee_id)
    if action == "in":
        if current is not None:
            conflict("already clocked in", attendance_id=str(current["id"]))
        return await _clock_in(conn, employee, at, details)
    if current is None:
        conflict("not clocked in")
    attendance_id = current["id"]
    before = await read_record(conn, attendance_id)
    await ensure_week_open(conn, employee_id, before.day)
    if at < current["clock_in"]:
        invalid("at", "must not be before the clock-in")
    open_break = await conn.fetchrow(
        "select id, start_at from time_break where attendance_id = $1 and end_at is null",
        attendance_id,
    )
    if action == "break_start":
        if open_break is not None:
            conflict("already on a break")
        await conn.execute(
            "insert into time_break (id, attendance_id, start_at) values ($1, $2, $3)",
            new_id(),
            attendance_id,
            at,
        )
    elif action == "break_end":
        if open_break is None:
            conflict("not on a break")
        if at < open_break["start_at"]:
            invalid("at", "must not be before the break's start")
        await conn.execute("update time_break set end_at = $2 where id = $1", open_break["id"], at)
    else:
        if open_break is not None:  # clocking out ends the break
            end = max(at, open_break["start_at"])
            await conn.execute(
                "update time_break set end_at = $2 where id = $1", open_break["id"], end
            )
        if at == current["clock_in"]:
            invalid("at", "must be after the clock-in")
        await conn.execute(
            "update time_attendance set clock_out = $2 where id = $1", attendance_id, at
        )
    after = await read_record(conn, attendance_id)
    await audit(
        conn,
        attendance_id,
        action={"out": "clock_out"}.get(action, action),
        actor=details.actor,
        before=snapshot(before),
        after=snapshot(after),
    )
    return after


async def open_state(conn: Connection, employee_id: UUID) -> Literal["out", "in", "break"]:
    """Whether an employee is clocked out, in, or on a break."""
    row = await conn.fetchrow(
        "select a.id, exists (select 1 from time_break b where b.attendance_id = a.id "
        "and b.end_at is null) as on_break from time_attendance a "
        "where a.employee_id = $1 and a.clock_out is null",
        employee_id,
    )
    if row is None:
        return "out"
    return "break" if row["on_break"] else "in"
