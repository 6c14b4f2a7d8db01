from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-25T00:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create loyalty_entry"

# One row per change of a member's points. A deal awards once: (tenant_id, source) is unique.
# The kernel makes tenant_id lead the primary key and forces row-level security afterwards.
STATEMENTS = (
    """
    create table loyalty_entry (
        tenant_id uuid not null
            default nullif(current_setting('nexus.tenant_id', true), '')::uuid,
        id uuid primary key,
        member_id uuid not null,
        member_email text,
        points integer not null,
        reason text not null,
        source text,
        created_at timestamptz not null default now()
    )
    """,
    "create unique index loyalty_entry_source on loyalty_entry (tenant_id, source)",
    "create index loyalty_entry_member on loyalty_entry (tenant_id, member_id)",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="loyalty", description=DESCRIPTION)

    async def create() -> None:
        from acme_loyalty.tables import Entry

        for statement in STATEMENTS:
            await Entry.raw(statement)

    manager.add_raw(create)
    return manager
