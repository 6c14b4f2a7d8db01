"""Migrations of the databases dedicated tenants live in, beside the home database."""

from __future__ import annotations

import asyncio
import os
import sys
from types import ModuleType
from typing import TYPE_CHECKING

import asyncpg

from nexus.db import MigrationError, tenant_database_url
from nexus.schema._migrate import migrate

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus.db import MigrationReport
    from nexus.plugins import PluginRegistry
    from nexus.settings import Settings

__all__ = ("migrate_placed", "migrator")

_PLACED = """
select distinct c.url, t.database
  from nexus_tenant t join nexus_cluster c on c.name = t.cluster
 order by 1, 2
"""


def migrator(settings: Settings, registry: PluginRegistry) -> Callable[[str], Awaitable[None]]:
    """A function migrating the database at a URL as :func:`migrate` does, from a server.

    Piccolo finds its engine through one configuration per process, and a migration points
    it at the database it migrates: run inside a serving process, every Piccolo query
    meanwhile would go there. So the migration runs in a child process
    (``nexus.schema._child``) with the same plugins and role names.
    """
    env = os.environ | {
        "NEXUS_DB_OWNER_ROLE": settings.db_owner_role,
        "NEXUS_DB_API_ROLE": settings.db_api_role,
        "PYTHONPATH": os.pathsep.join(path for path in sys.path if path),
    }

    async def run(database_url: str) -> None:
        # Named when a database is migrated, not when the app is built: plugins given as
        # objects (tests) are fine until a dedicated tenant needs them in a child.
        plugins = [_reference(record.plugin, record.entry_point) for record in registry.loaded]
        child = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "nexus.schema._child",
            database_url,
            *plugins,
            env=env,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
        _, errors = await child.communicate()
        if child.returncode:
            lines = errors.decode(errors="replace").strip().splitlines() or ["no output"]
            raise MigrationError(f"migrating a placed database failed: {lines[-1]}")

    return run


def _reference(plugin: object, entry_point: str | None) -> str:
    """How the child imports ``plugin``: its module's name, or its entry point."""
    if isinstance(plugin, ModuleType):
        return plugin.__name__
    if entry_point:
        return entry_point
    raise MigrationError(f"cannot name plugin {plugin!r} to a child process")


async def migrate_placed(
    settings: Settings, registry: PluginRegistry, *, database_url: str
) -> dict[str, MigrationReport]:
    """Migrate every database of the home database's placed tenants, one after the other.

    ``nexus migrate`` runs it after migrating the home database, so a deploy brings every
    cluster's databases to the same schema.

    Returns:
        Each placed database's URL with what was applied to it.
    """
    conn = await asyncpg.connect(database_url)
    try:
        rows = await conn.fetch(_PLACED)
    finally:
        await conn.close()
    reports = {}
    for row in rows:
        url = tenant_database_url(row["url"], row["database"])
        reports[url] = await migrate(settings, registry, database_url=url)
    return reports
