"""Projects and their stages: create, load, change; the stages a new project starts with."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import not_found

from nexus_projects._events import PROJECT_CREATED, ProjectCreated

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("PROJECT_COLUMNS", "add_stage", "create_project", "load_project", "update_project")

PROJECT_COLUMNS = (
    "id, name, code, description, customer_ref, customer_name, manager_id, billing_type, "
    "status, budget_hours, budget_amount, currency, hourly_rate, start_date, end_date, "
    "created_at"
)
_CHANGEABLE = frozenset(PROJECT_COLUMNS.split(", ")) - {"id", "created_at"}


async def load_project(conn: Connection, project_id: UUID, *, lock: bool = False) -> Any:
    """The project's row; 404 when it is not the tenant's."""
    suffix = " for update" if lock else ""
    row = await conn.fetchrow(
        f"select {PROJECT_COLUMNS} from projects_project where id = $1{suffix}",  # noqa: S608
        project_id,
    )
    if row is None:
        not_found()
    return row


async def add_stage(conn: Connection, project_id: UUID, *, name: str, is_done: bool) -> Any:
    """Append a stage to the project's board."""
    return await conn.fetchrow(
        "insert into projects_stage (id, project_id, name, position, is_done) values ($1, $2, "
        "$3, (select coalesce(max(position) + 1, 0) from projects_stage where project_id = $2), "
        "$4) returning id, project_id, name, position, is_done",
        new_id(),
        project_id,
        name,
        is_done,
    )


async def create_project(
    conn: Connection, events: EventPublisher, *, fields: dict[str, Any], stages: list[str]
) -> Any:
    """Insert a project with its first stages (the last one done); publish its creation."""
    project_id = new_id()
    names = ["id", *fields]
    row = await conn.fetchrow(
        f"insert into projects_project ({', '.join(names)}) values "  # noqa: S608
        f"({', '.join(f'${i}' for i in range(1, len(names) + 1))}) returning {PROJECT_COLUMNS}",
        project_id,
        *fields.values(),
    )
    assert row is not None  # noqa: S101 - insert … returning answers a row
    for index, name in enumerate(stages):
        await add_stage(conn, project_id, name=name, is_done=index == len(stages) - 1)
    await events.publish(
        conn,
        type=PROJECT_CREATED,
        subject=str(project_id),
        data=ProjectCreated(
            id=project_id,
            name=row["name"],
            customer_ref=row["customer_ref"],
            customer_name=row["customer_name"],
            manager_id=row["manager_id"],
            billing_type=row["billing_type"],
            currency=row["currency"],
        ),
    )
    return row


async def update_project(conn: Connection, project_id: UUID, changes: dict[str, Any]) -> Any:
    """Change the given columns of a project; 404 when it is not the tenant's."""
    await load_project(conn, project_id, lock=True)
    names = [name for name in changes if name in _CHANGEABLE]
    if names:
        sets = ", ".join(f"{name} = ${i}" for i, name in enumerate(names, start=2))
        await conn.execute(
            f"update projects_project set {sets} where id = $1",  # noqa: S608
            project_id,
            *(changes[name] for name in names),
        )
    return await load_project(conn, project_id)
