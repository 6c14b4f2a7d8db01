"""Onboarding and offboarding checklists: templates, started per employee, tasks completed.

A template's tasks name an assignee — a role (``employee``: the person; ``manager``: their
manager; ``hr``: whoever holds ``hr.checklists:write``) or a given employee — and a due
offset in days from the hire date (onboarding) or the last day (offboarding).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, not_found

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

__all__ = (
    "ChecklistOut",
    "TaskOut",
    "complete_task",
    "read_checklist",
    "start_automatic",
    "start_checklist",
)

Kind = Literal["onboarding", "offboarding"]


class TaskOut(msgspec.Struct, kw_only=True):
    """A task of a checklist."""

    id: UUID
    position: int
    title: str
    assignee_role: str | None
    assignee_employee_id: UUID | None
    due_date: dt.date
    done: bool
    completed_at: dt.datetime | None
    completed_by: UUID | None


class ChecklistOut(msgspec.Struct, kw_only=True):
    """A checklist started for an employee, with its tasks in order."""

    id: UUID
    employee_id: UUID
    template_id: UUID | None
    name: str
    kind: Kind
    state: Literal["open", "done"]
    created_at: dt.datetime
    tasks: list[TaskOut]


async def read_checklist(conn: Connection, checklist_id: UUID) -> ChecklistOut:
    """A checklist with its tasks (404 when missing)."""
    row = await conn.fetchrow("select * from hr_checklist where id = $1", checklist_id)
    if row is None:
        not_found()
    tasks = await conn.fetch(
        "select * from hr_checklist_task where checklist_id = $1 order by position, id",
        checklist_id,
    )
    return msgspec.convert(
        {**dict(row), "tasks": [dict(task) for task in tasks]}, ChecklistOut, strict=False
    )


async def start_checklist(
    conn: Connection, employee: Mapping[str, Any], template_id: UUID, *, start: dt.date
) -> UUID:
    """Start ``template_id``'s checklist for ``employee``, tasks due from ``start``."""
    template = await conn.fetchrow(
        "select id, name, kind from hr_checklist_template where id = $1", template_id
    )
    if template is None:
        not_found()
    checklist_id = new_id()
    await conn.execute(
        "insert into hr_checklist (id, employee_id, template_id, name, kind) "
        "values ($1, $2, $3, $4, $5)",
        checklist_id,
        employee["id"],
        template_id,
        template["name"],
        template["kind"],
    )
    tasks = await conn.fetch(
        "select * from hr_checklist_template_task where template_id = $1 order by position, id",
        template_id,
    )
    for task in tasks:
        assignee = task["assignee_employee_id"]
        if assignee is None and task["assignee_role"] == "employee":
            assignee = employee["id"]
        elif assignee is None and task["assignee_role"] == "manager":
            assignee = employee["manager_id"]
        await conn.execute(
            "insert into hr_checklist_task (id, checklist_id, position, title, assignee_role, "
            "assignee_employee_id, due_date) values ($1, $2, $3, $4, $5, $6, $7)",
            new_id(),
            checklist_id,
            task["position"],
            task["title"],
            task["assignee_role"],
            assignee,
            start + dt.timedelta(days=task["due_offset_days"]),
        )
    if not tasks:
        await conn.execute("update hr_checklist set state = 'done' where id = $1", checklist_id)
    return checklist_id


async def start_automatic(
    conn: Connection, employee: Mapping[str, Any], *, kind: Kind, start: dt.date
) -> list[UUID]:
    """Start every automatic template of ``kind`` for ``employee`` (on hire or termination)."""
    templates = await conn.fetch(
        "select id from hr_checklist_template where kind = $1 and automatic order by id", kind
    )
    return [
        await start_checklist(conn, employee, template["id"], start=start) for template in templates
    ]


async def complete_task(
    conn: Connection, checklist_id: UUID, task_id: UUID, *, actor: UUID | None
) -> None:
    """Mark a task done (409 when it is done already); the checklist is done with its last."""
    row = await conn.fetchrow(
        "select done from hr_checklist_task where id = $1 and checklist_id = $2 for update",
        task_id,
        checklist_id,
    )
    if row is None:
        not_found()
    if row["done"]:
        conflict("the task is done already")
    await conn.execute(
        "update hr_checklist_task set done = true, completed_at = now(), completed_by = $2 "
        "where id = $1",
        task_id,
        actor,
    )
    await conn.execute(
        "update hr_checklist set state = 'done' where id = $1 and not exists "
        "(select 1 from hr_checklist_task where checklist_id = $1 and not done)",
        checklist_id,
    )
