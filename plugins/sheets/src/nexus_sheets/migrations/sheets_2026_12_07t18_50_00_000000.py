from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-07T18:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the sheets tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # The workbooks made through Sheets (each a Drive file whose content the collab plugin keeps).
    f"""
    create table sheets_workbook (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 255),
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="sheets", description=DESCRIPTION)

    async def create() -> None:
        # The engine the migration runs on now (a table class here would keep the
        # engine it found when this module was first imported, in another database).
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(create)
    return manager
