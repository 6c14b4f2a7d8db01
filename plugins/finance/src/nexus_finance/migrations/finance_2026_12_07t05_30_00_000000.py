"""What became of an invoice emailed through Notification (issue #21)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T05:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "an invoice's last sending by email: when, to whom, its messages, its key"

STATEMENTS = [
    "alter table finance_invoice add column sent_at timestamptz, "
    "add column sent_to text[] not null default array[]::text[], "
    "add column sent_delivery jsonb not null default '[]'::jsonb, "
    "add column sent_key text",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(alter)
    return manager
