"""Campaigns sent at a local hour in each recipient's time zone."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "campaign local_time"

STATEMENTS = [
    "alter table marketing_campaign add column local_time text "
    "check (local_time ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$')",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="marketing", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_marketing.tables import Campaign

        for statement in STATEMENTS:
            await Campaign.raw(statement)

    manager.add_raw(alter)
    return manager
