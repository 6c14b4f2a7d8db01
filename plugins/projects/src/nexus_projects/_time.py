"""Time entries: entered here (draft, then approved) or imported from Time's timesheets.

An approved timesheet (``time.timesheet.approved.v1``) brings its lines that name one of the
tenant's projects (``project_ref``; ``task_ref`` when it is a task of that project) as
approved entries of that timesheet. Import is idempotent: the timesheet's unbilled entries
are replaced, and hours already billed for the same day, project and task are not imported
again, so a timesheet reopened (``time.timesheet.reopened.v1`` withdraws its unbilled
entries) and approved again never bills an hour twice.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus_hookspecs import new_id

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("ENTRY_COLUMNS", "import_timesheet", "parse_uuid", "withdraw_timesheet")

ENTRY_COLUMNS = (
    "id, project_id, task_id, employee_id, role, day, hours, description, billable, state, "
    "source, timesheet_id, billing_run_id, approved_at, created_at"
)
_MAX_HOURS = Decimal(24)


def parse_uuid(value: Any) -> UUID | None:
    """``value`` as a UUID, ``None`` when it is not one."""
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _hours(value: Any) -> Decimal | None:
    try:
        found = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        return None
    return found if found.is_finite() and 0 < found <= _MAX_HOURS else None


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


async def withdraw_timesheet(conn: Connection, timesheet_id: UUID) -> int:
    """Delete the timesheet's entries not billed yet; answer how many."""
    rows = await conn.fetch(
        "delete from projects_time_entry where timesheet_id = $1 and billing_run_id is null "
        "returning id",
        timesheet_id,
    )
    return len(rows)


async def import_timesheet(conn: Connection, data: dict[str, Any]) -> int:
    """Import an approved timesheet's project lines (see the module); answer how many."""
    timesheet_id = parse_uuid(data.get("timesheet_id"))
    employee_id = parse_uuid(data.get("employee_id"))
    if timesheet_id is None or employee_id is None:
        return 0
    await withdraw_timesheet(conn, timesheet_id)
    imported = 0
    # Hours of this timesheet already billed, per (project, task, day), not to import again.
    billed: dict[tuple[UUID, UUID | None, date], Decimal] = {}
    for line in data.get("entries") or []:
        if not isinstance(line, dict):
            continue
        project_id = parse_uuid(line.get("project_ref"))
        hours, day = _hours(line.get("hours")), _day(line.get("date"))
        if project_id is None or hours is None or day is None:
            continue
        project = await conn.fetchrow(
            "select id, billing_type from projects_project where id = $1", project_id
        )
        if project is None:
            continue
        task_id = parse_uuid(line.get("task_ref"))
        if task_id is not None and not await conn.fetchval(
            "select 1 from projects_task where id = $1 and project_id = $2", task_id, project_id
        ):
            task_id = None
        key = (project_id, task_id, day)
        if key not in billed:
            billed[key] = await conn.fetchval(
                "select coalesce(sum(hours), 0) from projects_time_entry where timesheet_id = $1 "
                "and project_id = $2 and task_id is not distinct from $3 and day = $4",
                timesheet_id,
                project_id,
                task_id,
                day,
            )
        covered = min(billed[key], hours)
        billed[key] -= covered
        hours -= covered
        if hours <= 0:
            continue
        await conn.execute(
            "insert into projects_time_entry (id, project_id, task_id, employee_id, day, hours, "
            "description, billable, state, source, timesheet_id, approved_at) values ($1, $2, "
            "$3, $4, $5, $6, $7, $8, 'approved', 'time', $9, now())",
            new_id(),
            project_id,
            task_id,
            employee_id,
            day,
            hours,
            str(line.get("activity") or "")[:500],
            project["billing_type"] != "non_billable",
            timesheet_id,
        )
        imported += 1
    return imported
