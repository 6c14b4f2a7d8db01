from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.table import Table

ID = "2026-12-07T21:45:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "drop sheets_workbook: collab lists the documents (collab.documents.list)"

STATEMENTS = ["drop table if exists sheets_workbook"]


class Sql(Table, tablename="sheets_workbook"):
    """Only for running this migration's SQL."""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="sheets", description=DESCRIPTION)

    async def drop() -> None:
        for statement in STATEMENTS:
            await Sql.raw(statement)

    manager.add_raw(drop)
    return manager
