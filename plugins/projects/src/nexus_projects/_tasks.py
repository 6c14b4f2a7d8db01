"""Tasks: create, load, move on the kanban board (completing them on a done stage).

A stage's tasks are ordered by ``position`` (0, 1, 2, …). Moving a task to a stage at a
position takes it out of its old stage (closing the gap) and inserts it there, shifting the
ones after it; a position past the end appends. Reaching a ``done`` stage completes the
task (``projects.task.completed.v1``); leaving one reopens it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import invalid, not_found

from nexus_projects._events import TASK_COMPLETED, TaskCompleted

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("TASK_COLUMNS", "create_task", "load_task", "move_task", "stage_of")

TASK_COLUMNS = (
    "id, project_id, stage_id, parent_id, title, description, priority, assignees, "
    "followers, start_date, due_date, estimate_hours, position, completed_at, created_at"
)


async def load_task(conn: Connection, task_id: UUID, *, lock: bool = False) -> Any:
    """The task's row; 404 when it is not the tenant's."""
    suffix = " for update" if lock else ""
    row = await conn.fetchrow(
        f"select {TASK_COLUMNS} from projects_task where id = $1{suffix}",  # noqa: S608
        task_id,
    )
    if row is None:
        not_found()
    return row


async def stage_of(conn: Connection, project_id: UUID, stage_id: UUID | None) -> Any:
    """The project's stage ``stage_id`` (its first one when ``None``); 422 when not its."""
    if stage_id is None:
        row = await conn.fetchrow(
            "select id, is_done from projects_stage where project_id = $1 "
            "order by position, id limit 1",
            project_id,
        )
    else:
        row = await conn.fetchrow(
            "select id, is_done from projects_stage where id = $1 and project_id = $2",
            stage_id,
            project_id,
        )
    if row is None:
        invalid("stage_id", "not a stage of this project")
    return row


async def create_task(
    conn: Connection, events: EventPublisher, *, project_id: UUID, fields: dict[str, Any]
) -> Any:
    """Insert a task at the end of its stage (the project's first stage by default)."""
    stage = await stage_of(conn, project_id, fields.pop("stage_id", None))
    parent_id = fields.get("parent_id")
    if parent_id is not None and not await conn.fetchval(
        "select 1 from projects_task where id = $1 and project_id = $2", parent_id, project_id
    ):
        invalid("parent_id", "not a task of this project")
    task_id = new_id()
    names = ["id", "project_id", "stage_id", *fields]
    values = [task_id, project_id, stage["id"], *fields.values()]
    await conn.execute(
        f"insert into projects_task ({', '.join(names)}, position) values "  # noqa: S608
        f"({', '.join(f'${i}' for i in range(1, len(names) + 1))}, (select coalesce(max("
        "position) + 1, 0) from projects_task where stage_id = $3))",
        *values,
    )
    if stage["is_done"]:
        await _set_done(conn, events, task_id, done=True)
    return await load_task(conn, task_id)


async def move_task(
    conn: Connection,
    events: EventPublisher,
    *,
    task_id: UUID,
    stage_id: UUID,
    position: int,
) -> Any:
    """Move a task to ``stage_id`` at ``position`` (see the module); answer the task."""
    task = await load_task(conn, task_id, lock=True)
    stage = await stage_of(conn, task["project_id"], stage_id)
    # Lock the project's tasks in id order so two moves on one board cannot deadlock.
    await conn.execute(
        "select 1 from projects_task where project_id = $1 order by id for update",
        task["project_id"],
    )
    order: list[UUID] = [
        row["id"]
        for row in await conn.fetch(
            "select id from projects_task where stage_id = $1 and id <> $2 order by position, id",
            stage_id,
            task_id,
        )
    ]
    order.insert(min(position, len(order)), task_id)
    await conn.execute("update projects_task set stage_id = $1 where id = $2", stage_id, task_id)
    await _renumber(conn, order)
    if task["stage_id"] != stage_id:
        rest = await conn.fetch(
            "select id from projects_task where stage_id = $1 order by position, id",
            task["stage_id"],
        )
        await _renumber(conn, [row["id"] for row in rest])
    was_done = task["completed_at"] is not None
    if stage["is_done"] != was_done:
        await _set_done(conn, events, task_id, done=stage["is_done"])
    return await load_task(conn, task_id)


async def _renumber(conn: Connection, order: list[UUID]) -> None:
    await conn.execute(
        "update projects_task t set position = o.position - 1 from unnest($1::uuid[]) "
        "with ordinality as o(id, position) where t.id = o.id",
        order,
    )


async def _set_done(conn: Connection, events: EventPublisher, task_id: UUID, *, done: bool) -> None:
    if not done:
        await conn.execute("update projects_task set completed_at = null where id = $1", task_id)
        return
    now = datetime.now(UTC)
    row = await conn.fetchrow(
        "update projects_task set completed_at = $2 where id = $1 "
        "returning id, project_id, title, assignees",
        task_id,
        now,
    )
    assert row is not None  # noqa: S101 - the task is locked and exists
    await events.publish(
        conn,
        type=TASK_COMPLETED,
        subject=str(task_id),
        data=TaskCompleted(
            id=row["id"],
            project_id=row["project_id"],
            title=row["title"],
            assignees=list(row["assignees"]),
            completed_at=now.isoformat(),
        ),
    )
