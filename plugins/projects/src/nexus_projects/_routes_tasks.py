"""Tasks: list, show, create, change, delete; the kanban move; dependencies and followers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, delete, get, patch, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import Db, Events, TenantBlobs, invalid, not_found, route_opt

from nexus_projects._dependencies import add_dependency, remove_dependency
from nexus_projects._examples import body
from nexus_projects._fields import Description, Hours, Priority
from nexus_projects._keys import TASKS_READ, TASKS_WRITE
from nexus_projects._projects import load_project
from nexus_projects._tasks import TASK_COLUMNS, create_task, load_task, move_task

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("TaskController", "TaskOut")

_Title = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
_People = Annotated[list[UUID], msgspec.Meta(max_length=50)]


class TaskOut(msgspec.Struct, kw_only=True):
    """A task (``parent_id``: the task it is a subtask of)."""

    id: UUID
    project_id: UUID
    stage_id: UUID
    parent_id: UUID | None
    title: str
    description: str
    priority: str
    assignees: list[UUID]
    followers: list[UUID]
    start_date: date | None
    due_date: date | None
    estimate_hours: Decimal | None
    position: int
    completed_at: datetime | None
    created_at: datetime


class TaskDetail(TaskOut, kw_only=True):
    """A task with its subtasks' ids, its dependencies and the hours logged on it.

    ``remaining_hours``: the estimate less the hours logged (not below zero), when estimated.
    """

    subtasks: list[UUID]
    depends_on: list[UUID]
    hours_logged: Decimal
    remaining_hours: Decimal | None


class TaskIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new task (on the project's first stage unless ``stage_id`` says)."""

    title: _Title
    description: Description = ""
    stage_id: UUID | None = None
    parent_id: UUID | None = None
    priority: Priority = "normal"
    assignees: _People = msgspec.field(default_factory=list)
    followers: _People = msgspec.field(default_factory=list)
    start_date: date | None = None
    due_date: date | None = None
    estimate_hours: Hours | None = None


class TaskPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Changes to a task: only the fields sent change (``null`` clears an optional one)."""

    title: _Title | msgspec.UnsetType = msgspec.UNSET
    description: Description | msgspec.UnsetType = msgspec.UNSET
    priority: Priority | msgspec.UnsetType = msgspec.UNSET
    assignees: _People | msgspec.UnsetType = msgspec.UNSET
    start_date: date | None | msgspec.UnsetType = msgspec.UNSET
    due_date: date | None | msgspec.UnsetType = msgspec.UNSET
    estimate_hours: Hours | None | msgspec.UnsetType = msgspec.UNSET


class MoveIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Where a task goes on the board: a stage and a 0-based position in it."""

    stage_id: UUID
    position: Annotated[int, msgspec.Meta(ge=0, le=100_000)] = 0


class DependencyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The task this one waits for (same project; no cycles)."""

    depends_on_id: UUID


class FollowerIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A user to notify of the task's changes."""

    user_id: UUID


async def project_tasks(
    conn: Connection,
    project_id: UUID,
    stage_id: UUID | None = None,
    assignee: UUID | None = None,
    parent_id: UUID | None = None,
) -> list[TaskOut]:
    """A project's tasks in board order, filtered (404 when the project is not there)."""
    await load_project(conn, project_id)
    rows = await conn.fetch(
        f"select t.{TASK_COLUMNS.replace(', ', ', t.')} from projects_task t join "  # noqa: S608
        "projects_stage s on s.id = t.stage_id where t.project_id = $1 and ($2::uuid "
        "is null or t.stage_id = $2) and ($3::uuid is null or $3 = any(t.assignees)) "
        "and ($4::uuid is null or t.parent_id = $4) order by s.position, t.position, t.id",
        project_id,
        stage_id,
        assignee,
        parent_id,
    )
    return [_out(row) for row in rows]


def _out(row: Any) -> TaskOut:
    return msgspec.convert(dict(row), TaskOut)


def _check_dates(start: date | None, due: date | None) -> None:
    if start is not None and due is not None and due < start:
        invalid("due_date", "must not be before start_date")


class TaskController(Controller):
    """Tasks of projects."""

    path = "/"

    @get("/projects/{project_id:uuid}/tasks", opt=route_opt(permission=TASKS_READ))
    async def list_tasks(
        self,
        db: Db,
        project_id: FromPath[UUID],
        stage_id: Annotated[UUID | None, QueryParameter(description="Only on this stage.")] = None,
        assignee: Annotated[
            UUID | None, QueryParameter(description="Only with this assignee.")
        ] = None,
        parent_id: Annotated[UUID | None, QueryParameter(description="Only its subtasks.")] = None,
    ) -> list[TaskOut]:
        """The project's tasks in board order (stage, then position); filters narrow them."""
        async with db.transaction() as conn:
            return await project_tasks(conn, project_id, stage_id, assignee, parent_id)

    @post("/projects/{project_id:uuid}/tasks", opt=route_opt(permission=TASKS_WRITE))
    async def create(
        self,
        db: Db,
        events: Events,
        project_id: FromPath[UUID],
        data: Annotated[TaskIn, body("POST /projects/{project_id}/tasks", "A design task")],
    ) -> TaskOut:
        """Create a task (a subtask with ``parent_id``) at the end of its stage."""
        _check_dates(data.start_date, data.due_date)
        fields = msgspec.structs.asdict(data)
        async with db.transaction() as conn:
            await load_project(conn, project_id, lock=True)
            return _out(await create_task(conn, events, project_id=project_id, fields=fields))

    @get("/tasks/{task_id:uuid}", opt=route_opt(permission=TASKS_READ))
    async def show(self, db: Db, task_id: FromPath[UUID]) -> TaskDetail:
        """One task with its subtasks, dependencies, hours logged and remaining effort."""
        async with db.transaction() as conn:
            row = await load_task(conn, task_id)
            subtasks = await conn.fetch(
                "select id from projects_task where parent_id = $1 order by id", task_id
            )
            depends = await conn.fetch(
                "select depends_on_id from projects_dependency where task_id = $1 "
                "order by depends_on_id",
                task_id,
            )
            hours = await conn.fetchval(
                "select coalesce(sum(hours), 0) from projects_time_entry where task_id = $1",
                task_id,
            )
        estimate = row["estimate_hours"]
        return TaskDetail(
            **msgspec.structs.asdict(_out(row)),
            subtasks=[r["id"] for r in subtasks],
            depends_on=[r["depends_on_id"] for r in depends],
            hours_logged=hours,
            remaining_hours=None if estimate is None else max(estimate - hours, Decimal(0)),
        )

    @patch("/tasks/{task_id:uuid}", opt=route_opt(permission=TASKS_WRITE))
    async def change(
        self,
        db: Db,
        task_id: FromPath[UUID],
        data: Annotated[TaskPatch, body("PATCH /tasks/{task_id}", "Raise the priority")],
    ) -> TaskOut:
        """Change a task's fields (only those sent); the stage changes through ``move``."""
        changes = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not msgspec.UNSET}
        async with db.transaction() as conn:
            current = await load_task(conn, task_id, lock=True)
            _check_dates(
                changes.get("start_date", current["start_date"]),
                changes.get("due_date", current["due_date"]),
            )
            if changes:
                sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(changes, start=2))
                await conn.execute(
                    f"update projects_task set {sets} where id = $1",  # noqa: S608
                    task_id,
                    *changes.values(),
                )
            return _out(await load_task(conn, task_id))

    @delete("/tasks/{task_id:uuid}", opt=route_opt(permission=TASKS_WRITE))
    async def remove(self, db: Db, blobs: TenantBlobs, task_id: FromPath[UUID]) -> None:
        """Delete a task with its subtasks, checklists, comments, attachments, dependencies.

        Its time entries stay on the project, without a task (billed hours stay billed).
        """
        async with db.transaction() as conn:
            keys = await conn.fetch(
                "with recursive tree(id) as (select id from projects_task where id = $1 union "
                "select t.id from projects_task t join tree on t.parent_id = tree.id) "
                "select a.blob_key from projects_attachment a join tree on a.task_id = tree.id",
                task_id,
            )
            found = await conn.fetchval(
                "delete from projects_task where id = $1 returning id", task_id
            )
        if found is None:
            not_found()
        for key in keys:
            await blobs.delete(key["blob_key"])

    @post("/tasks/{task_id:uuid}/move", opt=route_opt(permission=TASKS_WRITE), status_code=200)
    async def move(
        self,
        db: Db,
        events: Events,
        task_id: FromPath[UUID],
        data: Annotated[MoveIn, body("POST /tasks/{task_id}/move", "To the top of a stage")],
    ) -> TaskOut:
        """Move a task to a stage at a position (the kanban drag and drop).

        The other tasks of both stages are renumbered 0, 1, 2, …; a position past the end
        appends. A done stage completes the task (``projects.task.completed.v1``).
        """
        async with db.transaction() as conn:
            row = await move_task(
                conn, events, task_id=task_id, stage_id=data.stage_id, position=data.position
            )
        return _out(row)

    @post(
        "/tasks/{task_id:uuid}/dependencies",
        opt=route_opt(permission=TASKS_WRITE),
        status_code=204,
    )
    async def add_dependency(
        self,
        db: Db,
        task_id: FromPath[UUID],
        data: Annotated[
            DependencyIn, body("POST /tasks/{task_id}/dependencies", "Wait for another task")
        ],
    ) -> None:
        """Make the task wait for another of its project; 422 when it would close a cycle."""
        async with db.transaction() as conn:
            await add_dependency(conn, task_id=task_id, depends_on_id=data.depends_on_id)

    @delete(
        "/tasks/{task_id:uuid}/dependencies/{depends_on_id:uuid}",
        opt=route_opt(permission=TASKS_WRITE),
    )
    async def remove_dependency(
        self, db: Db, task_id: FromPath[UUID], depends_on_id: FromPath[UUID]
    ) -> None:
        """Remove a dependency; 404 when there is none."""
        async with db.transaction() as conn:
            await load_task(conn, task_id)
            if not await remove_dependency(conn, task_id=task_id, depends_on_id=depends_on_id):
                not_found()

    @post("/tasks/{task_id:uuid}/followers", opt=route_opt(permission=TASKS_WRITE), status_code=200)
    async def follow(
        self,
        db: Db,
        task_id: FromPath[UUID],
        data: Annotated[FollowerIn, body("POST /tasks/{task_id}/followers", "Follow a task")],
    ) -> TaskOut:
        """Add a follower (following twice changes nothing)."""
        async with db.transaction() as conn:
            await load_task(conn, task_id, lock=True)
            await conn.execute(
                "update projects_task set followers = array_append(followers, $2) "
                "where id = $1 and not ($2 = any(followers))",
                task_id,
                data.user_id,
            )
            return _out(await load_task(conn, task_id))

    @delete("/tasks/{task_id:uuid}/followers/{user_id:uuid}", opt=route_opt(permission=TASKS_WRITE))
    async def unfollow(self, db: Db, task_id: FromPath[UUID], user_id: FromPath[UUID]) -> None:
        """Remove a follower; 404 when they did not follow the task."""
        async with db.transaction() as conn:
            await load_task(conn, task_id, lock=True)
            found = await conn.fetchval(
                "update projects_task set followers = array_remove(followers, $2) "
                "where id = $1 and $2 = any(followers) returning id",
                task_id,
                user_id,
            )
        if found is None:
            not_found()
