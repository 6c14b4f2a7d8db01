"""Idempotency keys: the first response of each ``Idempotency-Key``, kept for replays."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-11-27T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "idempotency keys"

# tenant_id is the nil UUID for requests acting in no tenant; owner_id is then the
# principal, so such keys are scoped per principal. Inside a tenant owner_id is the nil
# UUID: keys are scoped per tenant. No foreign key to nexus_tenant, for that reason; rows
# are short-lived and purged once expired. status is null while the first request runs.
SQL = """
create table nexus_idempotency_key (
    tenant_id uuid not null,
    owner_id uuid not null,
    key text not null check (length(key) between 1 and 255),
    fingerprint bytea not null,
    claim uuid not null,
    status smallint,
    headers jsonb,
    body bytea,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    primary key (tenant_id, owner_id, key)
);
create index nexus_idempotency_key_expiry on nexus_idempotency_key (tenant_id, expires_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
