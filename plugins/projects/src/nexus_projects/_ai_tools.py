"""Projects' tools for the tenant's assistants (``nexus_ai_tools``): list tasks, log time.

Both run the code behind the REST routes (``_routes_tasks.project_tasks``,
``_routes_time.enter_time``): the same checks, the same 404 for another tenant's project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_projects._keys import TASKS_READ, TIME_WRITE
from nexus_projects._routes_tasks import project_tasks
from nexus_projects._routes_time import TimeEntryIn, enter_time

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("ListTasks", "LogTime", "nexus_ai_tools")


class ListTasks(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The project whose tasks to list, optionally only one assignee's."""

    project_id: UUID
    assignee: UUID | None = None


class LogTime(TimeEntryIn, kw_only=True, forbid_unknown_fields=True):
    """Hours to record on a project (a draft until approved)."""

    project_id: UUID


async def _list_tasks(data: ListTasks, ctx: ServiceContext) -> Any:
    return await project_tasks(ctx.conn, data.project_id, assignee=data.assignee)


async def _log_time(data: LogTime, ctx: ServiceContext) -> Any:
    fields = msgspec.structs.asdict(data)
    project_id = fields.pop("project_id")
    return await enter_time(ctx.conn, project_id, TimeEntryIn(**fields))


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer a project's tasks and logging hours on it (a writing tool)."""
    register(
        Tool(
            name="projects.tasks.list",
            description="A project's tasks in board order (stage, position), optionally "
            "only those of one assignee.",
            input=ListTasks,
            permission=TASKS_READ,
            handler=_list_tasks,
        )
    )
    register(
        Tool(
            name="projects.time.log",
            description="Records hours an employee worked on a project (and one of its "
            "tasks) on a day, as a draft time entry.",
            input=LogTime,
            permission=TIME_WRITE,
            handler=_log_time,
            writes=True,
        )
    )
