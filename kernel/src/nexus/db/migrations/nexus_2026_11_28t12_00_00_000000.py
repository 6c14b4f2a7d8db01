"""Provisioning runs and their steps: platform tables (no tenant_id, so no row-level security)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-11-28T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "provisioning runs"

# ``tenant`` (not ``tenant_id``) on purpose: these rows are the platform's record of making
# a tenant, read before the tenant exists; deprovisioning deletes them with the tenant.
# At most one unfinished run per slug: running the same profile again resumes it.
SQL = """
create table nexus_provisioning_run (
    id uuid primary key,
    slug text not null,
    tenant uuid not null,
    profile jsonb not null,
    plan jsonb,
    status text not null default 'running'
        check (status in ('running', 'failed', 'succeeded')),
    error text,
    created_at timestamptz not null default now(),
    started_at timestamptz not null default now(),
    finished_at timestamptz
);
create unique index nexus_provisioning_run_unfinished
    on nexus_provisioning_run (slug) where status <> 'succeeded';
create index nexus_provisioning_run_slug on nexus_provisioning_run (slug, created_at);

create table nexus_provisioning_step (
    run_id uuid not null references nexus_provisioning_run (id) on delete cascade,
    position smallint not null,
    name text not null,
    status text not null default 'pending'
        check (status in ('pending', 'running', 'succeeded', 'failed')),
    started_at timestamptz,
    finished_at timestamptz,
    error text,
    primary key (run_id, position)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
