"""Deprovisioning: every provisioning step undone, last first, leaving nothing of the tenant."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg
import msgspec
from nexus_hookspecs import TenantRef

from nexus.db import notify_placement
from nexus.placement import database_exists, drop_dedicated_database
from nexus.plugins import await_maybe

if TYPE_CHECKING:
    from nexus.blobs import BlobRuntime
    from nexus.cache import CacheRuntime, CacheService
    from nexus.db import PostgresDatabase
    from nexus.plugins import PluginRegistry

__all__ = ("Deprovisioned", "deprovision")

# The tenant is marked in the home directory first; with it, where a dedicated one lives.
_MARK = """
update nexus_tenant t set status = 'deprovisioned', updated_at = now()
  from nexus_tenant o left join nexus_cluster c on c.name = o.cluster
 where o.id = t.id and (t.slug = $1 or t.id::text = $1)
returning t.id, t.slug, c.url, o.database
"""

_TENANT_TABLES = """
select c.relname::text from pg_class c
  join pg_attribute a on a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped
 where c.relkind in ('r', 'p') and c.relnamespace = current_schema()::regnamespace
 order by 1
"""


class Deprovisioned(msgspec.Struct, frozen=True, kw_only=True):
    """What deprovisioning removed.

    Attributes:
        tenant_id: The tenant's id (``None`` when only an unfinished run was there).
        slug: Its slug.
        rows: Rows deleted per table (tables with none left out).
        runs: Provisioning runs deleted.
        files: Objects deleted from the file store.
    """

    tenant_id: UUID | None
    slug: str
    rows: dict[str, int]
    runs: int
    files: int = 0


async def deprovision(
    database: PostgresDatabase,
    registry: PluginRegistry,
    tenant: str,
    *,
    blobs: BlobRuntime,
    cache: CacheRuntime | CacheService,
) -> Deprovisioned:
    """Undo a tenant's provisioning: status, files, cache, seed, resources, rows, runs.

    The tenant is first marked ``deprovisioned`` (its credentials stop working at once,
    and event consumers skip its events from then on); its objects in the file store and
    its cache namespace are deleted; then one transaction, once deliveries of the tenant's
    events in flight have committed, purges each plugin's data outside its tables
    (``nexus_tenant_purge``), removes its resources (``nexus_deprovision_resources``),
    deletes the tenant's rows from every table with a ``tenant_id`` column (its outbox,
    inbox and dead letters included), the tenant and its provisioning runs. Interrupted,
    it is run again from the start: each part is idempotent.

    Args:
        database: The database.
        registry: The loaded plugins, whose hooks run.
        tenant: The tenant's slug or id.
        blobs: The file store (started).
        cache: The cache, told to drop the tenant's namespace in every process.

    Raises:
        LookupError: no tenant, and no provisioning run, has that slug or id.
    """
    async with database.transaction() as conn:
        row = await conn.fetchrow(_MARK, tenant)
        if row is None:
            runs = await _delete_runs(conn, slug=tenant, tenant_id=None)
            if not runs:
                raise LookupError(f"no tenant '{tenant}'")
            return Deprovisioned(tenant_id=None, slug=tenant, rows={}, runs=runs)
    ref = TenantRef(id=row["id"], slug=row["slug"])
    # A dedicated tenant's database is still there unless a run was interrupted after
    # dropping it (the home row keeps naming it until the step after).
    placed = row["database"] is not None and await database_exists(row["url"], row["database"])
    if placed:  # its consumers read the status from its own copy of the row
        async with database.transaction(tenant_id=ref.id) as conn:
            await conn.execute(
                "update nexus_tenant set status = 'deprovisioned', updated_at = now() "
                "where id = $1",
                ref.id,
            )
    files = await blobs.purge(ref.id, dry_run=False)
    await cache.drop(ref.id)
    rows: dict[str, int] = {}
    if placed:
        # Erased where it lives (plugins' hooks run there), then its database dropped.
        rows = await _erase(database, registry, ref, hooks=True)
        assert database.placements is not None  # a placed tenant implies a placed database
        await database.placements.release(ref.id)
        await drop_dedicated_database(row["url"], row["database"])
    if row["database"] is not None:
        async with database.transaction() as conn:
            await conn.execute(
                "update nexus_tenant set cluster = null, database = null where id = $1", ref.id
            )
            await notify_placement(conn, ref.id)  # every process routes it home again
        if database.placements is not None:
            database.placements.forget(ref.id)  # here at once, not when the NOTIFY arrives
    # Home: every row of a shared tenant; of a dedicated one, what the relay forwarded (its
    # events in the outbox) and the directory's row.
    for table, count in (await _erase(database, registry, ref, hooks=not placed)).items():
        rows[table] = rows.get(table, 0) + count
    async with database.transaction() as conn:
        runs = await _delete_runs(conn, slug=ref.slug, tenant_id=ref.id)
    return Deprovisioned(tenant_id=ref.id, slug=ref.slug, rows=rows, runs=runs, files=files)


async def _erase(
    database: PostgresDatabase, registry: PluginRegistry, ref: TenantRef, *, hooks: bool
) -> dict[str, int]:
    """In the tenant's database, its plugins' purge (with ``hooks``), rows, and tenant row."""
    async with database.transaction(tenant_id=ref.id) as conn:
        # Waits for deliveries of the tenant's events that began before it was marked (they
        # hold a key-share lock on its row), so the deletes below see their inbox rows.
        await conn.execute("select from nexus_tenant where id = $1 for update", ref.id)
        for record in reversed(registry.loaded) if hooks else ():  # dependents first
            if registry.implements(record.name, "nexus_tenant_purge"):
                await await_maybe(
                    registry.call(
                        record.name, "nexus_tenant_purge", tenant=ref, conn=conn, dry_run=False
                    )
                )
            if registry.implements(record.name, "nexus_deprovision_resources"):
                await await_maybe(
                    registry.call(record.name, "nexus_deprovision_resources", tenant=ref, conn=conn)
                )
        rows = await _delete_rows(conn, [r["relname"] for r in await conn.fetch(_TENANT_TABLES)])
        await conn.execute("delete from nexus_tenant where id = $1", ref.id)
    return rows


async def _delete_rows(conn: asyncpg.Connection, tables: list[str]) -> dict[str, int]:
    """Delete the tenant's rows (row-level security picks them) in an order foreign keys allow."""
    deleted: dict[str, int] = {}
    pending = list(tables)
    while pending:
        blocked = []
        for table in pending:
            try:
                async with conn.transaction():  # a savepoint: a refused delete is retried later
                    status = await conn.execute(f'delete from "{table}"')
            except asyncpg.ForeignKeyViolationError:
                blocked.append(table)
                continue
            count = int(status.split()[-1])
            if count:
                deleted[table] = count
        if len(blocked) == len(pending):
            raise RuntimeError(f"cannot delete the tenant's rows of {', '.join(blocked)}")
        pending = blocked
    return deleted


async def _delete_runs(conn: asyncpg.Connection, *, slug: str, tenant_id: UUID | None) -> int:
    status = await conn.execute(
        "delete from nexus_provisioning_run where slug = $1 or tenant = $2", slug, tenant_id
    )
    return int(status.split()[-1])
