"""Plugin settings kept before a plugin's first enablement (a null ``first_enabled_at``)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-06T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "plugin settings before the first enablement"

# A row whose first_enabled_at is null holds settings given before the plugin was ever
# enabled for the tenant (an admin, or a test, set them): the first enablement then runs the
# enable hook with them and stamps the time. A row with a time means the hook has run (the
# default stays now(), so a plain insert still records an enablement).
SQL = """
alter table nexus_plugin_enablement alter column first_enabled_at drop not null;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def alter() -> None:
        await run_script(SQL)

    manager.add_raw(alter)
    return manager
