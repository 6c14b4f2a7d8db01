"""``/attendance`` and ``/corrections``: records, their audit trail and corrections."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_time._attendance import AttendanceOut, read_record, to_out
from nexus_time._corrections import CorrectionOut, decide, read_correction, request_correction
from nexus_time._days import check_period
from nexus_time._examples import body
from nexus_time._fields import Note
from nexus_time._hours import EARLIEST
from nexus_time._keys import ATTENDANCE_MANAGE, ATTENDANCE_READ, ATTENDANCE_WRITE

__all__ = ("AttendanceController", "CorrectionController", "CorrectionIn", "Decision")

EmployeeFilter = Annotated[UUID | None, QueryParameter(description="Only this employee's.")]
From = Annotated[date | None, QueryParameter(description="Clocked in on or after this day.")]
To = Annotated[date | None, QueryParameter(description="Clocked in on or before this day.")]


class CorrectionIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The instants a record should have, and why."""

    clock_in: datetime
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=1000)]
    clock_out: datetime | None = None


class Decision(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A manager's note on a decision."""

    note: Note | None = None


class AuditOut(msgspec.Struct, kw_only=True):
    """One change of a record: what, who, when, before and after."""

    id: UUID
    action: str
    actor: str | None
    at: datetime
    before: dict[str, Any] | None
    after: dict[str, Any] | None


def _json(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, str | bytes) else value


class AttendanceController(Controller):
    """Attendance records (UTC instants with the employee's zone) and their audit trail."""

    path = "/attendance"
    tags = ["time: attendance"]

    @get("/", summary="List attendance records", opt=route_opt(permission=ATTENDANCE_READ))
    async def list_attendance(
        self,
        db: Db,
        employee_id: EmployeeFilter = None,
        date_from: From = None,
        date_to: To = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[AttendanceOut]:
        """Records in creation order, optionally of one employee and local days.

        ``date_from``/``date_to`` bound each record's local day (that of its clock-in).
        """
        if date_from is not None or date_to is not None:
            check_period(date_from or date_to or EARLIEST, date_to or date_from or EARLIEST)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from time_attendance where ($1::uuid is null or id > $1) and "
                "($2::uuid is null or employee_id = $2) and ($3::date is null or "
                "(clock_in at time zone time_zone)::date >= $3) and ($4::date is null or "
                "(clock_in at time zone time_zone)::date <= $4) order by id limit $5",
                after_id(cursor),
                employee_id,
                date_from,
                date_to,
                limit + 1,
            )
            breaks = await conn.fetch(
                "select id, attendance_id, start_at, end_at from time_break "
                "where attendance_id = any($1::uuid[]) order by start_at",
                [row["id"] for row in rows],
            )
        records = [
            to_out(row, [b for b in breaks if b["attendance_id"] == row["id"]]) for row in rows
        ]
        return page_of(records, limit)

    @get(
        "/{attendance_id:uuid}",
        summary="Show an attendance record",
        opt=route_opt(permission=ATTENDANCE_READ),
    )
    async def show_attendance(self, db: Db, attendance_id: FromPath[UUID]) -> AttendanceOut:
        """One record with its breaks and worked hours."""
        async with db.transaction() as conn:
            return await read_record(conn, attendance_id)

    @get(
        "/{attendance_id:uuid}/audit",
        summary="A record's audit trail",
        opt=route_opt(permission=ATTENDANCE_READ),
    )
    async def audit_trail(self, db: Db, attendance_id: FromPath[UUID]) -> list[AuditOut]:
        """Every change of the record, oldest first: action, actor, instant, before, after."""
        async with db.transaction() as conn:
            if not await conn.fetchval(
                "select true from time_attendance where id = $1", attendance_id
            ):
                not_found()
            rows = await conn.fetch(
                "select id, action, actor, at, before, after from time_audit "
                "where attendance_id = $1 order by id",
                attendance_id,
            )
        return [
            AuditOut(
                id=row["id"],
                action=row["action"],
                actor=row["actor"],
                at=row["at"],
                before=_json(row["before"]),
                after=_json(row["after"]),
            )
            for row in rows
        ]

    @post(
        "/{attendance_id:uuid}/corrections",
        summary="Request a correction",
        opt=route_opt(permission=ATTENDANCE_WRITE),
    )
    async def request_correction(
        self,
        db: Db,
        context: Context,
        attendance_id: FromPath[UUID],
        data: Annotated[
            CorrectionIn,
            body("POST /attendance/{attendance_id}/corrections", "A forgotten clock-out"),
        ],
    ) -> CorrectionOut:
        """Ask for a record's clock-in/out to be changed; pending until a manager decides."""
        async with db.transaction() as conn:
            return await request_correction(
                conn,
                attendance_id,
                clock_in=data.clock_in,
                clock_out=data.clock_out,
                reason=data.reason,
                actor=context.actor,
            )


class CorrectionController(Controller):
    """Correction requests and their approval."""

    path = "/corrections"
    tags = ["time: attendance"]

    @get("/", summary="List corrections", opt=route_opt(permission=ATTENDANCE_READ))
    async def list_corrections(
        self,
        db: Db,
        in_state: Annotated[
            Literal["pending", "approved", "rejected"] | None,
            QueryParameter(name="state", description="Only corrections in this state."),
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[CorrectionOut]:
        """Corrections in creation order, optionally in one state."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from time_correction where ($1::uuid is null or id > $1) and "
                "($2::text is null or state = $2) order by id limit $3",
                after_id(cursor),
                in_state,
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), CorrectionOut, strict=False) for r in rows], limit)

    @get(
        "/{correction_id:uuid}",
        summary="Show a correction",
        opt=route_opt(permission=ATTENDANCE_READ),
    )
    async def show_correction(self, db: Db, correction_id: FromPath[UUID]) -> CorrectionOut:
        """One correction request."""
        async with db.transaction() as conn:
            return await read_correction(conn, correction_id)

    @post(
        "/{correction_id:uuid}/approve",
        summary="Approve a correction",
        opt=route_opt(permission=ATTENDANCE_MANAGE),
    )
    async def approve(
        self,
        db: Db,
        context: Context,
        correction_id: FromPath[UUID],
        data: Annotated[Decision, body("POST /corrections/{correction_id}/approve", "Checked")],
    ) -> CorrectionOut:
        """Apply a pending correction to its record (audited: who, when, before, after).

        409 when decided already, when a week concerned is locked by a timesheet, or when
        the new span overlaps another record.
        """
        async with db.transaction() as conn:
            return await decide(
                conn, correction_id, verdict="approved", note=data.note, actor=context.actor
            )

    @post(
        "/{correction_id:uuid}/reject",
        summary="Reject a correction",
        opt=route_opt(permission=ATTENDANCE_MANAGE),
    )
    async def reject(
        self,
        db: Db,
        context: Context,
        correction_id: FromPath[UUID],
        data: Annotated[Decision, body("POST /corrections/{correction_id}/reject", "Refused")],
    ) -> CorrectionOut:
        """Reject a pending correction; the record stays as it is. 409 when decided already."""
        async with db.transaction() as conn:
            return await decide(
                conn, correction_id, verdict="rejected", note=data.note, actor=context.actor
            )
