from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T14:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "reactions, outgoing webhooks, Drive attachments"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # One actor's emoji on a message (once per actor and emoji).
    f"""
    create table chat_reaction (
        {_TENANT},
        id uuid not null,
        message_id uuid not null,
        actor text not null,
        emoji text not null check (length(emoji) between 1 and 64),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, message_id, actor, emoji),
        foreign key (tenant_id, message_id) references chat_message (tenant_id, id)
            on delete cascade
    )""",
    # An outgoing webhook: each new message of the channel is POSTed, signed with the secret.
    f"""
    create table chat_outgoing (
        {_TENANT},
        id uuid not null,
        channel_id uuid not null,
        url text not null check (length(url) between 8 and 2000),
        secret text not null,
        created_by text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, channel_id) references chat_channel (tenant_id, id)
            on delete cascade
    )""",
    "create index chat_outgoing_channel on chat_outgoing (tenant_id, channel_id)",
    # The Drive files a message carries (ids checked through drive.files.get).
    "alter table chat_message add column attachments uuid[] not null default array[]::uuid[]",
    "create index chat_message_created on chat_message (tenant_id, created_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="chat", description=DESCRIPTION)

    async def create() -> None:
        from nexus_chat.tables import Channel

        for statement in STATEMENTS:
            await Channel.raw(statement)

    manager.add_raw(create)
    return manager
