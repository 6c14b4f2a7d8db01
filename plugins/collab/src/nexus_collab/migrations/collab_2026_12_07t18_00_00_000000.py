from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the collab tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # One collaborative document per Drive file: its compacted state (a Yjs update holding
    # every update up to snapshot_seq) and the number of the last update persisted.
    f"""
    create table collab_document (
        {_TENANT},
        id uuid not null,
        kind text not null check (kind in ('writer', 'sheets', 'slides')),
        snapshot bytea not null,
        snapshot_seq bigint not null default 0,
        seq bigint not null default 0,
        evented_seq bigint not null default 0,
        evented_at timestamptz,
        created_by text not null,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    # The updates since the snapshot, in the order they were persisted.
    f"""
    create table collab_update (
        {_TENANT},
        document_id uuid not null,
        seq bigint not null,
        body bytea not null,
        actor text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, document_id, seq),
        foreign key (tenant_id, document_id) references collab_document (tenant_id, id)
            on delete cascade
    )""",
    # A comment anchored to a range (two Yjs relative positions, base64), or a reply.
    f"""
    create table collab_comment (
        {_TENANT},
        id uuid not null,
        document_id uuid not null,
        parent_id uuid,
        anchor_start text,
        anchor_end text,
        quote text,
        body text not null check (length(body) between 1 and 10000),
        author text not null,
        created_at timestamptz not null default now(),
        resolved_at timestamptz,
        resolved_by text,
        primary key (tenant_id, id),
        foreign key (tenant_id, document_id) references collab_document (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, parent_id) references collab_comment (tenant_id, id)
            on delete cascade
    )""",
    "create index collab_comment_document on collab_comment (tenant_id, document_id, id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="collab", description=DESCRIPTION)

    async def create() -> None:
        from nexus_collab.tables import Document

        for statement in STATEMENTS:
            await Document.raw(statement)

    manager.add_raw(create)
    return manager
