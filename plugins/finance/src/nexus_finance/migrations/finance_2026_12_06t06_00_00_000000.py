"""Index the entries in the order the bookkeeping exports read them (keyset batches)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-06T06:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "index entries by date, posting time and number, overall and per journal"

# The exports read entries in batches after a key (date, posting time, number): with these
# indexes each batch reads only its own rows instead of sorting the whole period again.
STATEMENTS = [
    "create index finance_entry_chronological on finance_entry "
    "(tenant_id, date, created_at, number)",
    "create index finance_entry_journal_chronological on finance_entry "
    "(tenant_id, journal_id, date, created_at, number)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="finance", description=DESCRIPTION)

    async def create() -> None:
        from nexus_finance.tables import Company

        for statement in STATEMENTS:
            await Company.raw(statement)

    manager.add_raw(create)
    return manager
