from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the chat tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # A channel: public (any member of the tenant may read and join), private (members only)
    # or direct (the members named when it was opened, no name).
    f"""
    create table chat_channel (
        {_TENANT},
        id uuid not null,
        kind text not null check (kind in ('public', 'private', 'direct')),
        name text check (length(name) between 1 and 80),
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check ((kind = 'direct') = (name is null))
    )""",
    "create unique index chat_channel_name on chat_channel (tenant_id, lower(name)) "
    "where name is not null",
    f"""
    create table chat_member (
        {_TENANT},
        id uuid not null,
        channel_id uuid not null,
        member text not null,
        joined_at timestamptz not null default now(),
        last_read_id uuid,
        primary key (tenant_id, id),
        unique (tenant_id, channel_id, member),
        foreign key (tenant_id, channel_id) references chat_channel (tenant_id, id)
            on delete cascade
    )""",
    "create index chat_member_member on chat_member (tenant_id, member)",
    # A message; a reply in a thread names its thread's first message. Deleted: body gone.
    f"""
    create table chat_message (
        {_TENANT},
        id uuid not null,
        channel_id uuid not null,
        thread_id uuid,
        author text not null,
        body text not null,
        created_at timestamptz not null default clock_timestamp(),
        edited_at timestamptz,
        deleted_at timestamptz,
        search tsvector generated always as (to_tsvector('simple', body)) stored,
        primary key (tenant_id, id),
        foreign key (tenant_id, channel_id) references chat_channel (tenant_id, id)
            on delete cascade
    )""",
    "create index chat_message_channel on chat_message (tenant_id, channel_id, id)",
    "create index chat_message_search on chat_message using gin (search)",
    # Each edit or delete keeps the text it replaced.
    f"""
    create table chat_message_edit (
        {_TENANT},
        id uuid not null,
        message_id uuid not null,
        body text not null,
        replaced_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, message_id) references chat_message (tenant_id, id)
            on delete cascade
    )""",
    # An incoming webhook: a bot posts into its channel with the secret (kept as a hash).
    f"""
    create table chat_webhook (
        {_TENANT},
        id uuid not null,
        channel_id uuid not null,
        name text not null check (length(name) between 1 and 80),
        secret_hash text not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, channel_id) references chat_channel (tenant_id, id)
            on delete cascade
    )""",
    # Who is connected, per connection (a process removes its own on close).
    f"""
    create table chat_presence (
        {_TENANT},
        id uuid not null,
        actor text not null,
        connected_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="chat", description=DESCRIPTION)

    async def create() -> None:
        from nexus_chat.tables import Channel

        for statement in STATEMENTS:
            await Channel.raw(statement)

    manager.add_raw(create)
    return manager
