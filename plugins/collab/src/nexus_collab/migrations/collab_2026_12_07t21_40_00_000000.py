from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T21:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "list documents by kind"

STATEMENTS = [
    # collab.documents.list: one kind's documents, newest first, a batch at a time.
    "create index collab_document_kind on collab_document (tenant_id, kind, id desc)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="collab", description=DESCRIPTION)

    async def create() -> None:
        from nexus_collab.tables import Document

        for statement in STATEMENTS:
            await Document.raw(statement)

    manager.add_raw(create)
    return manager
