"""Taxes carry report tags (``reverse_charge``, ``eu_goods_supply``…) for tax returns."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T04:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tax report tags"

STATEMENTS = [
    """alter table finance_tax
        add column tags text[] not null default array[]::text[]
        check (cardinality(tags) <= 20 and array_position(tags, null) is null)""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(alter)
    return manager
