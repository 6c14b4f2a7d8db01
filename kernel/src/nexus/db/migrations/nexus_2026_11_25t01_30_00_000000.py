"""Feature toggles: a tenant's preset, its overrides, first enablements and the audit log."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-11-25T01:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "feature toggles and audit log"

SQL = """
alter table nexus_tenant add column preset text;

create table nexus_feature_override (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    key text not null,
    state text not null check (state in ('enabled', 'disabled', 'purged')),
    reason text not null default '',
    actor text not null,
    updated_at timestamptz not null default now(),
    primary key (tenant_id, key)
);

create table nexus_plugin_enablement (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    plugin text not null,
    first_enabled_at timestamptz not null default now(),
    primary key (tenant_id, plugin)
);

create table nexus_audit_log (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    actor text not null,
    action text not null,
    target text not null,
    before jsonb,
    after jsonb,
    reason text not null default '',
    created_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
