from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.engine import engine_finder

ID = "2026-12-07T21:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop slides_deck: collab lists the documents (collab.documents.list)"

STATEMENTS = ["drop table if exists slides_deck"]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="slides", description=DESCRIPTION)

    async def drop() -> None:
        # The engine the migration runs on now (a table class here would keep the
        # engine it found when this module was first imported, in another database).
        engine = engine_finder()
        assert engine is not None
        for statement in STATEMENTS:
            await engine.run_ddl(statement)

    manager.add_raw(drop)
    return manager
