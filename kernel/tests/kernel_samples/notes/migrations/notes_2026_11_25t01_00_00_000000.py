from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T01:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create notes_note"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notes", description=DESCRIPTION)

    async def create() -> None:
        from kernel_samples.notes.tables import Note

        await Note.raw("create table notes_note (id serial primary key, text text not null)")

    manager.add_raw(create)
    return manager
