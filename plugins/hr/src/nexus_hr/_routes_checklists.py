"""Checklist templates and checklists: onboarding and offboarding tasks, assigned and done."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Cursor,
    Db,
    FieldErrors,
    Limit,
    Page,
    after_id,
    invalid,
    not_found,
    page_of,
    route_opt,
)

from nexus_hr._checklists import ChecklistOut, complete_task, read_checklist, start_checklist
from nexus_hr._employees import read_employee, today
from nexus_hr._examples import body
from nexus_hr._fields import Name
from nexus_hr._keys import CHECKLISTS, CHECKLISTS_READ, CHECKLISTS_WRITE

__all__ = ("ChecklistController", "ChecklistTemplateController")

Kind = Literal["onboarding", "offboarding"]
Offset = Annotated[int, msgspec.Meta(ge=-365, le=365)]


class TemplateTaskIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A task of a template: assigned to a role or to an employee, due some days after."""

    title: Name
    assignee_role: Literal["employee", "manager", "hr"] | None = None
    assignee_employee_id: UUID | None = None
    due_offset_days: Offset = 0


class TemplateIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A checklist template; ``automatic`` ones start on every hire (or termination)."""

    name: Name
    kind: Kind
    automatic: bool = True
    tasks: Annotated[list[TemplateTaskIn], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class TemplateTaskOut(msgspec.Struct, kw_only=True):
    """A task of a template."""

    id: UUID
    position: int
    title: str
    assignee_role: str | None
    assignee_employee_id: UUID | None
    due_offset_days: int


class TemplateOut(msgspec.Struct, kw_only=True):
    """A checklist template with its tasks."""

    id: UUID
    name: str
    kind: Kind
    automatic: bool
    created_at: dt.datetime
    tasks: list[TemplateTaskOut]


class ChecklistStart(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Start a template's checklist for an employee now; tasks due from ``start_date``."""

    template_id: UUID
    start_date: dt.date | None = None


async def _template(conn: Any, template_id: UUID) -> TemplateOut:
    row = await conn.fetchrow("select * from hr_checklist_template where id = $1", template_id)
    if row is None:
        not_found()
    tasks = await conn.fetch(
        "select * from hr_checklist_template_task where template_id = $1 order by position",
        template_id,
    )
    return msgspec.convert(
        {**dict(row), "tasks": [dict(task) for task in tasks]}, TemplateOut, strict=False
    )


class ChecklistTemplateController(Controller):
    """Onboarding and offboarding checklist templates."""

    path = "/checklist-templates"
    tags = ["hr"]
    opt = route_opt(feature=CHECKLISTS)

    @get("/", summary="List checklist templates", opt=route_opt(permission=CHECKLISTS_READ))
    async def list_templates(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[TemplateOut]:
        """Checklist templates with their tasks, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from hr_checklist_template where ($1::uuid is null or id > $1) "
                "order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
            return page_of([await _template(conn, row["id"]) for row in rows], limit)

    @post("/", summary="Create a checklist template", opt=route_opt(permission=CHECKLISTS_WRITE))
    async def create_template(
        self,
        db: Db,
        data: Annotated[TemplateIn, body("POST /checklist-templates", "Onboarding")],
    ) -> TemplateOut:
        """Create a template and its tasks (422 names a task's employee that does not exist)."""
        template_id = new_id()
        async with db.transaction() as conn:
            errors = FieldErrors()
            for index, task in enumerate(data.tasks):
                if task.assignee_employee_id is not None and not await conn.fetchval(
                    "select true from hr_employee where id = $1", task.assignee_employee_id
                ):
                    errors.add(f"tasks[{index}].assignee_employee_id", "no such employee")
            errors.raise_if_any()
            await conn.execute(
                "insert into hr_checklist_template (id, name, kind, automatic) "
                "values ($1, $2, $3, $4)",
                template_id,
                data.name,
                data.kind,
                data.automatic,
            )
            for index, task in enumerate(data.tasks):
                await conn.execute(
                    "insert into hr_checklist_template_task (id, template_id, position, title, "
                    "assignee_role, assignee_employee_id, due_offset_days) "
                    "values ($1, $2, $3, $4, $5, $6, $7)",
                    new_id(),
                    template_id,
                    index,
                    task.title,
                    task.assignee_role,
                    task.assignee_employee_id,
                    task.due_offset_days,
                )
            return await _template(conn, template_id)

    @get(
        "/{template_id:uuid}",
        summary="Show a checklist template",
        opt=route_opt(permission=CHECKLISTS_READ),
    )
    async def show_template(self, db: Db, template_id: FromPath[UUID]) -> TemplateOut:
        """One template with its tasks."""
        async with db.transaction() as conn:
            return await _template(conn, template_id)

    @delete(
        "/{template_id:uuid}",
        summary="Delete a checklist template",
        opt=route_opt(permission=CHECKLISTS_WRITE),
    )
    async def delete_template(self, db: Db, template_id: FromPath[UUID]) -> None:
        """Delete a template; checklists started from it stay."""
        async with db.transaction() as conn:
            status = await conn.execute(
                "delete from hr_checklist_template where id = $1", template_id
            )
        if status == "DELETE 0":
            not_found()


class ChecklistController(Controller):
    """Checklists started for employees, and their tasks."""

    path = "/"
    tags = ["hr"]
    opt = route_opt(feature=CHECKLISTS)

    @get("/checklists", summary="List checklists", opt=route_opt(permission=CHECKLISTS_READ))
    async def list_checklists(
        self,
        db: Db,
        employee_id: Annotated[UUID | None, QueryParameter(description="Only these.")] = None,
        assignee_employee_id: Annotated[
            UUID | None, QueryParameter(description="Only these.")
        ] = None,
        state_filter: Annotated[
            Literal["open", "done"] | None, QueryParameter(name="state")
        ] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[ChecklistOut]:
        """Checklists with their tasks, oldest first.

        of an employee, with tasks assigned to someone, or in a state.
        """
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from hr_checklist c where ($1::uuid is null or id > $1) "
                "and ($2::uuid is null or employee_id = $2) "
                "and ($3::text is null or state = $3) "
                "and ($4::uuid is null or exists (select 1 from hr_checklist_task t "
                "where t.checklist_id = c.id and t.assignee_employee_id = $4)) "
                "order by id limit $5",
                after_id(cursor),
                employee_id,
                state_filter,
                assignee_employee_id,
                limit + 1,
            )
            return page_of([await read_checklist(conn, row["id"]) for row in rows], limit)

    @get(
        "/checklists/{checklist_id:uuid}",
        summary="Show a checklist",
        opt=route_opt(permission=CHECKLISTS_READ),
    )
    async def show_checklist(self, db: Db, checklist_id: FromPath[UUID]) -> ChecklistOut:
        """One checklist with its tasks."""
        async with db.transaction() as conn:
            return await read_checklist(conn, checklist_id)

    @post(
        "/employees/{employee_id:uuid}/checklists",
        summary="Start a checklist for an employee",
        opt=route_opt(permission=CHECKLISTS_WRITE),
    )
    async def start(
        self,
        db: Db,
        employee_id: FromPath[UUID],
        data: Annotated[
            ChecklistStart, body("POST /employees/{employee_id}/checklists", "On demand")
        ],
    ) -> ChecklistOut:
        """Start a template's checklist for an employee on demand (404: no such template)."""
        async with db.transaction() as conn:
            employee = await read_employee(conn, employee_id)
            if not await conn.fetchval(
                "select true from hr_checklist_template where id = $1", data.template_id
            ):
                invalid("template_id", "no such template")
            checklist_id = await start_checklist(
                conn, employee, data.template_id, start=data.start_date or today()
            )
            return await read_checklist(conn, checklist_id)

    @post(
        "/checklists/{checklist_id:uuid}/tasks/{task_id:uuid}/complete",
        summary="Complete a checklist task",
        opt=route_opt(permission=CHECKLISTS_WRITE),
        status_code=200,
    )
    async def complete(
        self, db: Db, context: Context, checklist_id: FromPath[UUID], task_id: FromPath[UUID]
    ) -> ChecklistOut:
        """Mark a task done, by the caller; the checklist is done when its last task is.

        409 when the task is done already.
        """
        actor = _uuid(context.actor)
        async with db.transaction() as conn:
            await complete_task(conn, checklist_id, task_id, actor=actor)
            return await read_checklist(conn, checklist_id)


def _uuid(value: str | None) -> UUID | None:
    try:
        return UUID(value) if value else None
    except ValueError:
        return None
