"""Line discounts and the locale of the books (issue #18, the smaller ledger items)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "line discounts, locale of the books"

STATEMENTS = [
    "alter table finance_invoice_line add column discount_percent numeric(7, 4) not null "
    "default 0 check (discount_percent >= 0 and discount_percent <= 100)",
    "alter table finance_company add column locale text",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(alter)
    return manager
