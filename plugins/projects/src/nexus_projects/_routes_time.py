"""Time entries: enter hours on a project or task, list them, approve or delete drafts.

Entries entered here start as drafts and count once approved (billing takes approved
entries only). Entries imported from Time's approved timesheets arrive approved
(``source: time``) and are withdrawn when Time reopens the timesheet (unless billed).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    after_id,
    conflict,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_projects._examples import body
from nexus_projects._fields import Hours
from nexus_projects._keys import TIME_APPROVE, TIME_READ, TIME_WRITE
from nexus_projects._projects import load_project
from nexus_projects._time import ENTRY_COLUMNS

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("TimeController", "TimeEntryOut")

_MAX_DAY = Decimal(24)
State = Literal["draft", "approved"]


class TimeEntryOut(msgspec.Struct, kw_only=True):
    """Hours of an employee on a project (and task).

    ``state``: ``draft`` or ``approved``; ``source``: ``projects`` (entered here) or
    ``time`` (an approved Time timesheet, ``timesheet_id``); ``billing_run_id``: the
    billing run that invoiced it.
    """

    id: UUID
    project_id: UUID
    task_id: UUID | None
    employee_id: UUID
    role: str | None
    day: date
    hours: Decimal
    description: str
    billable: bool
    state: str
    source: str
    timesheet_id: UUID | None
    billing_run_id: UUID | None
    approved_at: datetime | None
    created_at: datetime


class TimeEntryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Hours to record (a draft until approved).

    ``billable`` defaults to the project's billing type (not for ``non_billable``);
    ``role`` prices the hours by that role's rate instead of the member's own role.
    """

    employee_id: UUID
    day: date
    hours: Hours
    task_id: UUID | None = None
    description: Annotated[str, msgspec.Meta(max_length=500)] = ""
    billable: bool | None = None
    role: Annotated[str, msgspec.Meta(min_length=1, max_length=100)] | None = None


async def enter_time(conn: Connection, project_id: UUID, data: TimeEntryIn) -> TimeEntryOut:
    """Record ``data``'s hours on the project as a draft (422 naming a wrong field, 404)."""
    if not 0 < data.hours <= _MAX_DAY:
        invalid("hours", "more than 0 and at most 24")
    project = await load_project(conn, project_id)
    if data.task_id is not None and not await conn.fetchval(
        "select 1 from projects_task where id = $1 and project_id = $2",
        data.task_id,
        project_id,
    ):
        invalid("task_id", "not a task of this project")
    billable = project["billing_type"] != "non_billable"
    row = await conn.fetchrow(
        "insert into projects_time_entry (id, project_id, task_id, employee_id, role, "
        "day, hours, description, billable, source) values ($1, $2, $3, $4, $5, $6, "
        f"$7, $8, $9, 'projects') returning {ENTRY_COLUMNS}",
        new_id(),
        project_id,
        data.task_id,
        data.employee_id,
        data.role,
        data.day,
        data.hours,
        data.description,
        billable if data.billable is None else data.billable and billable,
    )
    return _out(row)


def _out(row: Any) -> TimeEntryOut:
    return msgspec.convert(dict(row), TimeEntryOut)


class TimeController(Controller):
    """Time entries of projects."""

    path = "/"

    @get("/projects/{project_id:uuid}/time-entries", opt=route_opt(permission=TIME_READ))
    async def list_entries(
        self,
        db: Db,
        project_id: FromPath[UUID],
        cursor: Cursor = None,
        limit: Limit = 50,
        task_id: Annotated[UUID | None, QueryParameter(description="Only on this task.")] = None,
        employee_id: Annotated[
            UUID | None, QueryParameter(description="Only this employee's.")
        ] = None,
        entry_state: Annotated[
            State | None, QueryParameter(name="state", description="draft or approved.")
        ] = None,
    ) -> Page[TimeEntryOut]:
        """The project's entries, oldest first; filters narrow them."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            await load_project(conn, project_id)
            rows = await conn.fetch(
                f"select {ENTRY_COLUMNS} from projects_time_entry where project_id = $1 and "  # noqa: S608
                "($2::uuid is null or id > $2) and ($3::uuid is null or task_id = $3) and "
                "($4::uuid is null or employee_id = $4) and ($5::text is null or state = $5) "
                "order by id limit $6",
                project_id,
                after,
                task_id,
                employee_id,
                entry_state,
                limit + 1,
            )
        return page_of([_out(row) for row in rows], limit)

    @post("/projects/{project_id:uuid}/time-entries", opt=route_opt(permission=TIME_WRITE))
    async def enter(
        self,
        db: Db,
        project_id: FromPath[UUID],
        data: Annotated[
            TimeEntryIn, body("POST /projects/{project_id}/time-entries", "A day's work")
        ],
    ) -> TimeEntryOut:
        """Record hours on a project (and one of its tasks), as a draft."""
        async with db.transaction() as conn:
            return await enter_time(conn, project_id, data)

    @get("/time-entries/{entry_id:uuid}", opt=route_opt(permission=TIME_READ))
    async def show(self, db: Db, entry_id: FromPath[UUID]) -> TimeEntryOut:
        """One time entry."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                f"select {ENTRY_COLUMNS} from projects_time_entry where id = $1",  # noqa: S608
                entry_id,
            )
        if row is None:
            not_found()
        return _out(row)

    @post(
        "/time-entries/{entry_id:uuid}/approve",
        opt=route_opt(permission=TIME_APPROVE),
        status_code=200,
    )
    async def approve(self, db: Db, entry_id: FromPath[UUID]) -> TimeEntryOut:
        """Approve a draft entry: it counts, and the next billing run bills it if billable.

        Approving an approved entry answers it unchanged.
        """
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update projects_time_entry set state = 'approved', approved_at = "
                "coalesce(approved_at, now()) where id = $1 "
                f"returning {ENTRY_COLUMNS}",
                entry_id,
            )
        if row is None:
            not_found()
        return _out(row)

    @delete("/time-entries/{entry_id:uuid}", opt=route_opt(permission=TIME_WRITE))
    async def remove(self, db: Db, entry_id: FromPath[UUID]) -> None:
        """Delete a draft entry entered here; 409 for an approved or imported one."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select state, source from projects_time_entry where id = $1 for update",
                entry_id,
            )
            if row is None:
                not_found()
            if row["state"] != "draft" or row["source"] != "projects":
                conflict("only a draft entered here can be deleted", state=row["state"])
            await conn.execute("delete from projects_time_entry where id = $1", entry_id)
