from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "files of the tenant's store a message's email attaches (issue #21)"

STATEMENTS = [
    "alter table notify_message add column attachments jsonb not null default '[]'::jsonb",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notify", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_notify.tables import Message

        for statement in STATEMENTS:
            await Message.raw(statement)

    manager.add_raw(alter)
    return manager
