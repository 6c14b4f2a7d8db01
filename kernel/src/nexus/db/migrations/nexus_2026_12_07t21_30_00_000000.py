"""Placement (issue #31): the directory of database clusters and where each tenant lives."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T21:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "cluster directory and tenant placement"

# A cluster is a PostgreSQL server (its URL names a database to connect to for creating
# others): "pooled" ones hold many shared tenants in one database, "dedicated" ones a
# database per tenant. A tenant with no cluster lives in this (the home) database; the
# tenant directory itself (nexus_tenant, nexus_cluster) always stays here. Prefer URLs
# without a password (a passfile or PGPASSWORD on the host): the API role reads this table.
SQL = """
create table nexus_cluster (
    name text primary key check (name ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    url text not null,
    kind text not null default 'dedicated' check (kind in ('pooled', 'dedicated')),
    created_at timestamptz not null default now()
);
alter table nexus_tenant
    add column cluster text references nexus_cluster (name),
    add column database text check (database ~ '^[a-z_][a-z0-9_]{0,62}$');
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
