from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-29T10:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create ledger tables"

SQL = """
create table ledger_entry (
    tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid,
    id uuid primary key,
    memo text not null
);
create table ledger_effect (
    tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid,
    id uuid primary key,
    event_id text not null
)
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="ledger", description=DESCRIPTION)

    async def create() -> None:
        from kernel_samples.ledger.tables import Entry

        for statement in SQL.split(";"):
            await Entry.raw(statement)

    manager.add_raw(create)
    return manager
