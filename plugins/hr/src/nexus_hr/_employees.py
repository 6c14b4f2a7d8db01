"""Employees: the employment record, its checks, and the events that announce changes.

Personal data is elsewhere (``_personal.py``); nothing here reads ``hr_personal_data``.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs.http import FieldErrors, conflict, not_found

from nexus_hr._events import (
    EMPLOYEE_HIRED,
    EMPLOYEE_TERMINATED,
    EMPLOYEE_UPDATED,
    EmployeeChanged,
    EmployeeTerminated,
)
from nexus_hr._schedules import valid_time_zone

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "COLUMNS",
    "EVENT_FIELDS",
    "check_references",
    "employee_event",
    "lock_employee",
    "publish_change",
    "publish_terminated",
    "read_employee",
)

COLUMNS = (
    "id, name, work_email, user_id, department_id, position_id, job_title, manager_id, "
    "hire_date, termination_date, termination_reason, state, country, subdivision, time_zone, "
    "working_schedule_id, erased_at, created_at, updated_at"
)

EVENT_FIELDS = frozenset(
    {
        "name",
        "work_email",
        "user_id",
        "department_id",
        "position_id",
        "job_title",
        "manager_id",
        "country",
        "subdivision",
        "time_zone",
        "working_schedule_id",
    }
)
"""Fields whose change publishes ``hr.employee.updated.v1``."""


async def read_employee(conn: Connection, employee_id: UUID) -> Mapping[str, Any]:
    """The employee's row (404 when missing or another tenant's)."""
    row = await conn.fetchrow(f"select {COLUMNS} from hr_employee where id = $1", employee_id)
    if row is None:
        not_found()
    return row


async def lock_employee(conn: Connection, employee_id: UUID) -> Mapping[str, Any]:
    """The employee's row, locked for the change at hand (404 when missing)."""
    row = await conn.fetchrow(
        f"select {COLUMNS} from hr_employee where id = $1 for update", employee_id
    )
    if row is None:
        not_found()
    return row


async def _exists(conn: Connection, table: str, row_id: UUID) -> bool:
    return bool(await conn.fetchval(f"select true from {table} where id = $1", row_id))


async def check_references(
    conn: Connection, values: Mapping[str, Any], *, employee_id: UUID | None = None
) -> None:
    """Refuse (422, every failing field) references to nothing, bad time zones, cycles.

    Args:
        conn: The transaction.
        values: The fields being set (absent keys are not checked).
        employee_id: The employee being changed (``None`` for a new one): its new manager
            must not report to it, directly or not.
    """
    errors = FieldErrors()
    for key, table in (
        ("department_id", "hr_department"),
        ("position_id", "hr_job_position"),
        ("working_schedule_id", "hr_working_schedule"),
        ("manager_id", "hr_employee"),
    ):
        value = values.get(key)
        if value is not None and not await _exists(conn, table, value):
            errors.add(key, "no such record")
    zone = values.get("time_zone")
    if zone is not None and not valid_time_zone(zone):
        errors.add("time_zone", "not an IANA time zone")
    manager = values.get("manager_id")
    if (
        manager is not None
        and employee_id is not None
        and not errors
        and (manager == employee_id or await _reports_to(conn, manager, employee_id))
    ):
        errors.add("manager_id", "would make a cycle: the manager reports to this employee")
    errors.raise_if_any()


async def _reports_to(conn: Connection, employee_id: UUID, boss_id: UUID) -> bool:
    """Whether ``employee_id`` is (transitively) managed by ``boss_id``."""
    found = await conn.fetchval(
        "with recursive up(id, manager_id, depth) as ("
        " select id, manager_id, 0 from hr_employee where id = $1"
        " union all select e.id, e.manager_id, up.depth + 1 from hr_employee e"
        " join up on e.id = up.manager_id where up.depth < 1000)"
        " select true from up where manager_id = $2 limit 1",
        employee_id,
        boss_id,
    )
    return bool(found)


async def employee_event(conn: Connection, row: Mapping[str, Any]) -> EmployeeChanged:
    """The ``hr.employee.hired/updated.v1`` payload of an employee's row."""
    job_title = row["job_title"]
    if job_title is None and row["position_id"] is not None:
        job_title = await conn.fetchval(
            "select name from hr_job_position where id = $1", row["position_id"]
        )
    return EmployeeChanged(
        employee_id=row["id"],
        user_id=row["user_id"],
        name=row["name"],
        work_email=row["work_email"],
        department_id=row["department_id"],
        manager_id=row["manager_id"],
        job_title=job_title,
        hire_date=row["hire_date"],
        country=row["country"],
        time_zone=row["time_zone"],
        subdivision=row["subdivision"],
        working_schedule_id=row["working_schedule_id"],
        state=row["state"],
    )


async def publish_change(
    conn: Connection, events: EventPublisher, row: Mapping[str, Any], *, hired: bool
) -> None:
    """Publish ``hr.employee.hired.v1`` (``hired``) or ``hr.employee.updated.v1``."""
    data = await employee_event(conn, row)
    await events.publish(
        conn,
        type=(EMPLOYEE_HIRED if hired else EMPLOYEE_UPDATED).type,
        data=msgspec.to_builtins(data),
        subject=str(row["id"]),
    )


async def publish_terminated(
    conn: Connection, events: EventPublisher, row: Mapping[str, Any]
) -> None:
    """Publish ``hr.employee.terminated.v1`` for a terminated employee's row."""
    data = EmployeeTerminated(
        employee_id=row["id"],
        user_id=row["user_id"],
        termination_date=row["termination_date"],
        reason=row["termination_reason"],
    )
    await events.publish(
        conn,
        type=EMPLOYEE_TERMINATED.type,
        data=msgspec.to_builtins(data),
        subject=str(row["id"]),
    )


def refuse_terminated(row: Mapping[str, Any]) -> None:
    """409 when the employee is terminated already."""
    if row["state"] == "terminated":
        conflict("the employee is terminated", state="terminated")


def today() -> dt.date:
    """Today's date (UTC)."""
    return dt.datetime.now(dt.UTC).date()
