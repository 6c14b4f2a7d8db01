"""Task dependencies: within one project, never a cycle (422 naming the path's tasks)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict

from nexus_projects._tasks import load_task

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("add_dependency", "remove_dependency")


async def add_dependency(conn: Connection, *, task_id: UUID, depends_on_id: UUID) -> None:
    """Make ``task_id`` depend on ``depends_on_id``.

    Raises:
        HTTPException: 404 for an unknown task; 422 for another project's task, the task
            itself, or a dependency that would close a cycle; 409 when it exists already.
    """
    task = await load_task(conn, task_id, lock=True)
    errors = FieldErrors()
    other = await conn.fetchrow("select project_id from projects_task where id = $1", depends_on_id)
    if other is None or other["project_id"] != task["project_id"]:
        errors.add("depends_on_id", "not a task of this project")
    elif depends_on_id == task_id:
        errors.add("depends_on_id", "a task cannot depend on itself")
    errors.raise_if_any()
    # Lock the project's dependency graph: two concurrent additions could close a cycle.
    await conn.execute(
        "select pg_advisory_xact_lock(hashtextextended($1::text, 0))", str(task["project_id"])
    )
    # Would depends_on_id (transitively) depend on task_id? Then the new edge closes a cycle.
    cycle = await conn.fetchval(
        "with recursive reach(id) as (select depends_on_id from projects_dependency where "
        "task_id = $1 union select d.depends_on_id from projects_dependency d join reach r on "
        "d.task_id = r.id) select exists (select 1 from reach where id = $2)",
        depends_on_id,
        task_id,
    )
    if cycle:
        errors.add("depends_on_id", "this dependency would make a cycle")
        errors.raise_if_any()
    inserted = await conn.fetchval(
        "insert into projects_dependency (id, task_id, depends_on_id) values ($1, $2, $3) "
        "on conflict (tenant_id, task_id, depends_on_id) do nothing returning id",
        new_id(),
        task_id,
        depends_on_id,
    )
    if inserted is None:
        conflict("the task depends on it already")


async def remove_dependency(conn: Connection, *, task_id: UUID, depends_on_id: UUID) -> bool:
    """Remove the dependency; ``False`` when there was none."""
    removed = await conn.fetchval(
        "delete from projects_dependency where task_id = $1 and depends_on_id = $2 returning id",
        task_id,
        depends_on_id,
    )
    return removed is not None
