from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-26T09:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create memos_memo"

# Keyed by id alone, as Piccolo would generate it: the kernel makes tenant_id lead the
# primary key and switches on row-level security after the migration (the tests check it).
CREATE_TABLE = """
create table memos_memo (
    tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid,
    id uuid primary key,
    title text not null,
    body text not null default '',
    created_at timestamptz not null default now()
)
"""
CREATE_INDEX = "create index memos_memo_tenant_id on memos_memo (tenant_id)"


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="memos", description=DESCRIPTION)

    async def create() -> None:
        from kernel_samples.memos.tables import Memo

        await Memo.raw(CREATE_TABLE)
        await Memo.raw(CREATE_INDEX)

    manager.add_raw(create)
    return manager
