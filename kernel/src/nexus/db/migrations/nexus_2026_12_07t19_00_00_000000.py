"""SCIM 2.0 provisioning of a tenant's users and groups (issue #29)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T19:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "SCIM resources: what an identity provider provisioned, as it sent it"

# A SCIM User is a nexus_user and a Group a nexus_role (same id); this table keeps the
# resource as the provider sent it (the attributes Nexus has no column for), its version
# and whether it was deleted (a deleted user stays, disabled, for the records naming it).
# Row-level security is enforced on it as on every table with a tenant_id.
SQL = """
create table nexus_scim_resource (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    kind text not null check (kind in ('User', 'Group')),
    resource jsonb not null,
    version bigint not null default 1,
    deleted boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create index nexus_scim_resource_kind on nexus_scim_resource (tenant_id, kind);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
