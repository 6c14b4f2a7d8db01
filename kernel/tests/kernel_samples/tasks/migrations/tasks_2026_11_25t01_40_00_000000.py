from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T01:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create tasks_task"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="tasks", description=DESCRIPTION)

    async def create() -> None:
        from kernel_samples.tasks.tables import Task

        await Task.raw(
            "create table tasks_task (tenant_id uuid not null, id uuid not null primary key, "
            "title text not null)"
        )

    manager.add_raw(create)
    return manager
