from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T23:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the depot table"

SQL = """
create table depot_hold (
    tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid,
    id uuid not null,
    origin text not null,
    quantity integer not null,
    primary key (tenant_id, id)
)
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="depot", description=DESCRIPTION)

    async def create() -> None:
        from kernel_samples.depot.tables import Hold

        await Hold.raw(SQL)

    manager.add_raw(create)
    return manager
