"""A dedicated tenant's own database: created on its cluster, migrated, holding its tenant row."""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg

from nexus.db import tenant_database_url

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    from nexus.placement._directory import Cluster

__all__ = (
    "database_exists",
    "dedicated_database_name",
    "drop_dedicated_database",
    "prepare_dedicated_database",
)

# The tenant's row as the home database has it, placement columns left out: in its own
# database the tenant is "home" (its foreign keys to nexus_tenant need the row there).
_TENANT_ROW = (
    "select (to_jsonb(t) - 'cluster' - 'database')::text from nexus_tenant t where t.id = $1"
)


def dedicated_database_name(tenant_id: UUID) -> str:
    """The name of ``tenant_id``'s database on a dedicated cluster (``nexus_t_<hex>``)."""
    return f"nexus_t_{tenant_id.hex}"


async def prepare_dedicated_database(
    home: asyncpg.Connection,
    *,
    tenant_id: UUID,
    cluster: Cluster,
    migrate: Callable[[str], Awaitable[object]],
) -> str:
    """Create ``tenant_id``'s database on ``cluster``, migrate it, copy the tenant row in.

    Idempotent, so a provisioning run resumed after a failure just completes it. The
    cluster's URL must log in as a role that may create databases.

    Args:
        home: A connection to the home database (it reads the tenant's row).
        tenant_id: The tenant.
        cluster: A dedicated cluster of the directory.
        migrate: Migrates the database at the URL it is given (``nexus.schema.migrate``).

    Returns:
        The name of the database.
    """
    name = dedicated_database_name(tenant_id)
    server = await asyncpg.connect(cluster.url)
    try:
        if not await server.fetchval("select 1 from pg_database where datname = $1", name):
            await server.execute(f'create database "{name}"')
    finally:
        await server.close()
    url = tenant_database_url(cluster.url, name)
    await migrate(url)
    row = await home.fetchval(_TENANT_ROW, tenant_id)
    own = await asyncpg.connect(url)
    try:
        await own.execute(
            "insert into nexus_tenant "
            "select * from jsonb_populate_record(null::nexus_tenant, $1::jsonb) "
            "on conflict (id) do nothing",
            row,
        )
    finally:
        await own.close()
    return name


async def database_exists(cluster_url: str, name: str) -> bool:
    """Whether the cluster at ``cluster_url`` has a database named ``name``."""
    server = await asyncpg.connect(cluster_url)
    try:
        return bool(await server.fetchval("select 1 from pg_database where datname = $1", name))
    finally:
        await server.close()


async def drop_dedicated_database(cluster_url: str, name: str) -> bool:
    """Drop the dedicated database ``name`` on the cluster at ``cluster_url``.

    Connections still open to it (other processes' pools, a worker's forwarder) are ended:
    its tenant is deprovisioned and erased by then. Idempotent.

    Returns:
        Whether there was a database to drop.
    """
    server = await asyncpg.connect(cluster_url)
    try:
        if not await server.fetchval("select 1 from pg_database where datname = $1", name):
            return False
        await server.execute(f'drop database if exists "{name}" with (force)')
    finally:
        await server.close()
    return True
