"""Plugin settings per tenant: kept with the plugin's first enablement."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-11-30T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "plugin settings per tenant"

# The settings a plugin was first enabled with for a tenant (its preset's, overlaid by the
# business profile's), read back through the ``plugin_settings`` port and by event handlers.
SQL = """
alter table nexus_plugin_enablement
    add column settings jsonb not null default '{}'::jsonb;
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def alter() -> None:
        await run_script(SQL)

    manager.add_raw(alter)
    return manager
