"""Corrections: an employee asks, a manager approves (the record changes, audited) or rejects."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_time._attendance import audit, ensure_week_open, read_record, snapshot
from nexus_time._hours import EARLIEST, LATEST, in_range, local_day

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

    from nexus_time._rows import Record

__all__ = ("CorrectionOut", "decide", "read_correction", "request_correction")


class CorrectionOut(msgspec.Struct, kw_only=True):
    """A correction request and its decision."""

    id: UUID
    attendance_id: UUID
    employee_id: UUID
    clock_in: datetime
    clock_out: datetime | None
    reason: str
    state: str
    requested_by: str | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None
    created_at: datetime


def _out(row: Record | None) -> CorrectionOut:
    if row is None:
        not_found()
    return msgspec.convert(dict(row), CorrectionOut, strict=False)


def _aware(key: str, value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None:
        invalid(key, "give the instant with its UTC offset")
    if not in_range(value):
        invalid(key, f"between {EARLIEST} and {LATEST}")
    return value.astimezone(UTC)


async def read_correction(conn: Connection, correction_id: UUID) -> CorrectionOut:
    """One correction; 404 when absent."""
    row = await conn.fetchrow("select * from time_correction where id = $1", correction_id)
    if row is None:
        not_found()
    return _out(row)


async def request_correction(
    conn: Connection,
    attendance_id: UUID,
    *,
    clock_in: datetime,
    clock_out: datetime | None,
    reason: str,
    actor: str | None,
) -> CorrectionOut:
    """Ask for a record's instants to be changed; pending until a manager decides."""
    start = _aware("clock_in", clock_in)
    end = _aware("clock_out", clock_out)
    if start is not None and end is not None and end <= start:
        invalid("clock_out", "must be after clock_in")
    row = await conn.fetchrow(
        "select employee_id from time_attendance where id = $1", attendance_id
    )
    if row is None:
        not_found()
    found = await conn.fetchrow(
        "insert into time_correction (id, attendance_id, employee_id, clock_in, clock_out, "
        "reason, requested_by) values ($1, $2, $3, $4, $5, $6, $7) returning *",
        new_id(),
        attendance_id,
        row["employee_id"],
        start,
        end,
        reason,
        actor,
    )
    return _out(found)


async def decide(
    conn: Connection,
    correction_id: UUID,
    *,
    verdict: Literal["approved", "rejected"],
    note: str | None,
    actor: str | None,
) -> CorrectionOut:
    """Approve (apply to the record, audited) or reject a pending correction.

    Raises 409 when it was decided already, when the record's week or the corrected week
    is locked by a submitted or approved timesheet, or when the corrected span overlaps
    another record of the employee.
    """
    row = await conn.fetchrow(
        "select * from time_correction where id = $1 for update", correction_id
    )
    if row is None:
        not_found()
    if row["state"] != "pending":
        conflict(f"the correction is {row['state']} already", state=row["state"])
    if verdict == "approved":
        await _apply(conn, row, actor=actor)
    decided = await conn.fetchrow(
        "update time_correction set state = $2, decided_by = $3, decided_at = now(), "
        "decision_note = $4 where id = $1 returning *",
        correction_id,
        verdict,
        actor,
        note,
    )
    return _out(decided)


async def _apply(conn: Connection, correction: Record, *, actor: str | None) -> None:
    attendance_id = correction["attendance_id"]
    record = await conn.fetchrow(
        "select * from time_attendance where id = $1 for update", attendance_id
    )
    if record is None:
        not_found()
    before = await read_record(conn, attendance_id)
    employee_id = record["employee_id"]
    start, end = correction["clock_in"], correction["clock_out"]
    await ensure_week_open(conn, employee_id, before.day)
    await ensure_week_open(conn, employee_id, local_day(start, record["time_zone"]))
    overlapping = await conn.fetchval(
        "select count(*) from time_attendance where employee_id = $1 and id <> $2 and "
        "tstzrange(clock_in, coalesce(clock_out, 'infinity')) && "
        "tstzrange($3::timestamptz, coalesce($4::timestamptz, 'infinity'))",
        employee_id,
        attendance_id,
        start,
        end,
    )
    if overlapping:
        conflict("the corrected span overlaps another attendance record of the employee")
    # Breaks outside the corrected span no longer belong to it.
    await conn.execute(
        "delete from time_break where attendance_id = $1 and (start_at < $2 or "
        "($3::timestamptz is not null and start_at >= $3))",
        attendance_id,
        start,
        end,
    )
    await conn.execute(
        "update time_break set end_at = $2 where attendance_id = $1 and $2::timestamptz "
        "is not null and (end_at is null or end_at > $2)",
        attendance_id,
        end,
    )
    await conn.execute(
        "update time_attendance set clock_in = $2, clock_out = $3 where id = $1",
        attendance_id,
        start,
        end,
    )
    after = await read_record(conn, attendance_id)
    await audit(
        conn,
        attendance_id,
        action="correction",
        actor=actor,
        before=snapshot(before),
        after={**snapshot(after), "correction_id": str(correction["id"])},
    )
