from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "names of departments, positions and schedules need not be unique"

# Two departments (or positions, or schedules) may share a name, as in other HR systems;
# they are told apart by id (and a department by its parent).
STATEMENTS = [
    "alter table hr_department drop constraint if exists hr_department_tenant_id_name_key",
    "alter table hr_job_position drop constraint if exists hr_job_position_tenant_id_name_key",
    "alter table hr_working_schedule drop constraint if exists "
    "hr_working_schedule_tenant_id_name_key",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="hr", description=DESCRIPTION)

    async def change() -> None:
        from nexus_hr.tables import Department

        for statement in STATEMENTS:
            await Department.raw(statement)

    manager.add_raw(change)
    return manager
