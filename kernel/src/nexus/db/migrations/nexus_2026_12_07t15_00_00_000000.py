"""Roles a tenant defines: a name for a set of permissions, held by users and API keys."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T15:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "roles a tenant defines"

# A user's or key's ``roles`` name built-in roles (tenant_admin, member) and these; the
# permissions of the ones it holds are looked up when its credential is checked.
# Row-level security is enforced on it as on every table with a tenant_id.
SQL = """
create table nexus_role (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    name text not null,
    description text not null default '',
    permissions text[] not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
