from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the documents tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)


def _fk(column: str, table: str, action: str = "on delete cascade") -> str:
    return f"foreign key (tenant_id, {column}) references {table} (tenant_id, id) {action}"


STATEMENTS = [
    f"""
    create table documents_type (
        {_TENANT},
        id uuid not null,
        key text not null check (key ~ '^[a-z][a-z0-9_]*$' and length(key) <= 40),
        name text not null check (length(name) between 1 and 200),
        fields jsonb not null default jsonb_build_array(),
        retention_days integer check (retention_days > 0),
        retention_years integer check (retention_years > 0),
        retention_from text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, key),
        check (retention_days is null or retention_years is null)
    )""",
    f"""
    create table documents_document (
        {_TENANT},
        id uuid not null,
        type_id uuid not null,
        title text not null check (length(title) between 1 and 300),
        drive_file_id uuid,
        file_name text,
        file_path text,
        content_type text,
        size bigint,
        file_trashed boolean not null default false,
        metadata jsonb not null default jsonb_build_object(),
        tags text[] not null default array[]::text[],
        status text not null default 'active' check (status in ('active', 'expired')),
        legal_hold boolean not null default false,
        hold_reason text,
        retain_until date,
        expired_at timestamptz,
        source_ref text,
        created_by text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, source_ref),
        {_fk("type_id", "documents_type", "on delete restrict")}
    )""",
    "create index documents_document_type on documents_document (tenant_id, type_id)",
    "create index documents_document_tags on documents_document using gin (tags)",
    "create index documents_document_due on documents_document (tenant_id, retain_until) "
    "where status = 'active' and not legal_hold",
    "create index documents_document_file on documents_document (tenant_id, drive_file_id)",
    f"""
    create table documents_link (
        {_TENANT},
        id uuid not null,
        document_id uuid not null,
        record_type text not null check (record_type ~ '^[a-z][a-z0-9_]*\\.[a-z][a-z0-9_]*$'),
        record_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, document_id, record_type, record_id),
        {_fk("document_id", "documents_document")}
    )""",
    "create index documents_link_record on documents_link (tenant_id, record_type, record_id)",
    f"""
    create table documents_role (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        members uuid[] not null default array[]::uuid[],
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table documents_workflow (
        {_TENANT},
        id uuid not null,
        type_id uuid not null,
        steps jsonb not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, type_id),
        {_fk("type_id", "documents_type")}
    )""",
    f"""
    create table documents_approval (
        {_TENANT},
        id uuid not null,
        document_id uuid not null,
        steps jsonb not null,
        current_step integer not null,
        approvers uuid[] not null default array[]::uuid[],
        status text not null check (status in ('pending', 'approved', 'rejected')),
        requested_by text,
        created_at timestamptz not null default now(),
        completed_at timestamptz,
        primary key (tenant_id, id),
        {_fk("document_id", "documents_document")}
    )""",
    "create index documents_approval_document on documents_approval (tenant_id, document_id)",
    "create unique index documents_approval_open on documents_approval (tenant_id, document_id) "
    "where status = 'pending'",
    f"""
    create table documents_decision (
        {_TENANT},
        id uuid not null,
        approval_id uuid not null,
        step integer not null,
        approver uuid not null,
        decision text not null check (decision in ('approve', 'reject')),
        comment text not null default '',
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, approval_id, step, approver),
        {_fk("approval_id", "documents_approval")}
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="documents", description=DESCRIPTION)

    async def create() -> None:
        from nexus_documents.tables import Document

        for statement in STATEMENTS:
            await Document.raw(statement)

    manager.add_raw(create)
    return manager
