"""A tenant-owned plugin with a feature, settings, a seeding enable hook and CRUD routes."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import get, post
from litestar.di import NamedDependency
from litestar.params import JSONBody
from nexus_hookspecs import Database, Feature, Manifest, Permission, hookimpl

from .tables import Task

ENABLED: list[tuple[str, str]] = []
DISABLED: list[str] = []


class TaskSettings(msgspec.Struct, kw_only=True):
    welcome: str = "Welcome to tasks"


@get("/")
async def list_tasks(db: NamedDependency[Database]) -> list[dict[str, Any]]:
    async with db.transaction():
        rows = await Task.select(Task.id, Task.title).order_by(Task.id)
    return [{"id": str(row["id"]), "title": row["title"]} for row in rows]


@post("/", opt={"permission": "tasks.tasks:write"})
async def create_task(
    db: NamedDependency[Database], data: JSONBody[dict[str, str]]
) -> dict[str, Any]:
    async with db.transaction():
        task = Task(title=data["title"])
        await task.save()
    return {"id": str(task.id), "title": task.title}


@get("/board", opt={"feature": "tasks.board"})
async def board() -> dict[str, str]:
    return {"board": "on"}


@hookimpl
def nexus_manifest() -> Manifest:
    return Manifest(
        name="tasks",
        version="1.0.0",
        title="Tasks",
        features=(Feature(key="board", title="Kanban board", default=False),),
        permissions=(Permission(key="tasks.tasks:write", roles=("tenant_admin", "member")),),
        settings=TaskSettings,
        tenant_tables=("tasks_task",),
        example_payloads={"POST /": {"title": "example"}},
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    register(list_tasks)
    register(create_task)
    register(board)


@hookimpl
def nexus_piccolo_app() -> str:
    return "kernel_samples.tasks.piccolo_app"


@hookimpl
async def nexus_tenant_enable(tenant: Any, settings: TaskSettings, conn: Any) -> None:
    ENABLED.append((tenant.slug, settings.welcome))
    await conn.execute(
        "insert into tasks_task (tenant_id, id, title) values ($1, gen_random_uuid(), $2)",
        tenant.id,
        settings.welcome,
    )


@hookimpl
def nexus_tenant_disable(tenant: Any, conn: Any) -> None:
    DISABLED.append(tenant.slug)
