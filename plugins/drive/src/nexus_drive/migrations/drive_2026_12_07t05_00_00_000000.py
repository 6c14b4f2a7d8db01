from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the drive tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)


def _fk(column: str, table: str, action: str = "on delete cascade") -> str:
    return f"foreign key (tenant_id, {column}) references {table} (tenant_id, id) {action}"


STATEMENTS = [
    # A drive: a user's own ("My drive", owner = the user's actor) or a team's shared drive.
    f"""
    create table drive_drive (
        {_TENANT},
        id uuid not null,
        kind text not null check (kind in ('user', 'shared')),
        name text not null check (length(name) between 1 and 200),
        owner text,
        purpose text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check ((kind = 'user') = (owner is not null))
    )""",
    "create unique index drive_drive_user on drive_drive (tenant_id, owner) where kind = 'user'",
    # A drive Drive keeps for a purpose ("documents": what other plugins file), one each.
    "create unique index drive_drive_purpose on drive_drive (tenant_id, purpose) "
    "where purpose is not null",
    # Groups of users (actors), to share with many at once.
    f"""
    create table drive_group (
        {_TENANT},
        id uuid not null,
        name text not null check (length(name) between 1 and 200),
        members text[] not null default array[]::text[],
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    # Who may use a shared drive (its members) and with which role.
    f"""
    create table drive_member (
        {_TENANT},
        id uuid not null,
        drive_id uuid not null,
        principal text not null,
        role text not null check (role in ('viewer', 'commenter', 'editor', 'owner')),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, drive_id, principal),
        {_fk("drive_id", "drive_drive")}
    )""",
    # A folder or a file. parent_id null: at the drive's top level.
    f"""
    create table drive_item (
        {_TENANT},
        id uuid not null,
        drive_id uuid not null,
        parent_id uuid,
        kind text not null check (kind in ('folder', 'file')),
        name text not null check (length(name) between 1 and 255),
        content_type text not null default '',
        size bigint not null default 0,
        version_id uuid,
        source_ref text,
        created_by text,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        trashed_at timestamptz,
        trashed_by text,
        trash_root boolean not null default false,
        quarantined_at timestamptz,
        quarantine_reason text,
        scanned_version_id uuid,
        text_content text,
        thumbnail_key text,
        search tsvector generated always as (
            setweight(to_tsvector('simple', name || ' ' || translate(name, '._-', '   ')), 'A') ||
            setweight(to_tsvector('english', coalesce(text_content, '')), 'B')
        ) stored,
        primary key (tenant_id, id),
        {_fk("drive_id", "drive_drive")},
        {_fk("parent_id", "drive_item")}
    )""",
    "create unique index drive_item_name on drive_item (tenant_id, drive_id, "
    "coalesce(parent_id, '00000000-0000-0000-0000-000000000000'::uuid), lower(name)) "
    "where trashed_at is null",
    "create index drive_item_parent on drive_item (tenant_id, parent_id)",
    "create unique index drive_item_source on drive_item (tenant_id, source_ref) "
    "where source_ref is not null",
    "create index drive_item_trash on drive_item (tenant_id, trashed_at) "
    "where trashed_at is not null",
    "create index drive_item_search on drive_item using gin (search)",
    # A file's content at one time: a blob in the tenant's files store.
    f"""
    create table drive_version (
        {_TENANT},
        id uuid not null,
        item_id uuid not null,
        number integer not null,
        blob_key text not null,
        owned boolean not null default true,
        size bigint not null check (size >= 0),
        content_type text not null,
        created_by text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, item_id, number),
        {_fk("item_id", "drive_item")}
    )""",
    # A grant on a folder or file (inherited by everything below a folder).
    f"""
    create table drive_share (
        {_TENANT},
        id uuid not null,
        item_id uuid not null,
        principal text not null,
        role text not null check (role in ('viewer', 'commenter', 'editor', 'owner')),
        created_by text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, item_id, principal),
        {_fk("item_id", "drive_item")}
    )""",
    # A link to a folder or file: anyone holding it, until it expires or is revoked.
    f"""
    create table drive_link (
        {_TENANT},
        id uuid not null,
        item_id uuid not null,
        token_hash bytea not null,
        access text not null check (access in ('view', 'download')),
        expires_at timestamptz,
        password_hash text,
        revoked_at timestamptz,
        created_by text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        {_fk("item_id", "drive_item")}
    )""",
    "create unique index drive_link_token on drive_link (token_hash)",
    # A resumable (tus) upload in progress: its parts are blobs drive/uploads/<id>/<n>.
    f"""
    create table drive_upload (
        {_TENANT},
        id uuid not null,
        drive_id uuid not null,
        parent_id uuid,
        item_id uuid,
        name text not null,
        content_type text not null,
        length bigint not null check (length >= 0),
        received bigint not null default 0,
        parts integer not null default 0,
        created_by text,
        created_at timestamptz not null default now(),
        expires_at timestamptz not null,
        file_id uuid,
        primary key (tenant_id, id),
        {_fk("drive_id", "drive_drive")}
    )""",
    # A blob no row points at any more (a pruned version, a purged file, an upload's parts):
    # the sweep deletes it from the files store after the transaction that let it go commits.
    f"""
    create table drive_orphan (
        {_TENANT},
        id uuid not null,
        blob_key text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    # A storage quota an admin set for one user (the tenant default is a setting).
    f"""
    create table drive_quota (
        {_TENANT},
        id uuid not null,
        principal text not null,
        limit_bytes bigint not null check (limit_bytes >= 0),
        primary key (tenant_id, id),
        unique (tenant_id, principal)
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="drive", description=DESCRIPTION)

    async def create() -> None:
        from nexus_drive.tables import Drive

        for statement in STATEMENTS:
            await Drive.raw(statement)

    manager.add_raw(create)
    return manager
