from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T12:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the meet tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # scheduled → live → ended; scheduled | live → cancelled (a cancelled one never opens).
    f"""
    create table meet_meeting (
        {_TENANT},
        id uuid not null,
        title text not null,
        host text not null,
        starts_at timestamptz,
        ends_at timestamptz,
        mode text not null default 'mesh' check (mode in ('mesh', 'sfu')),
        lobby boolean not null default true,
        locked boolean not null default false,
        status text not null default 'scheduled'
            check (status in ('scheduled', 'live', 'ended', 'cancelled')),
        invitees text[] not null default array[]::text[],
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        check (ends_at is null or starts_at is null or ends_at > starts_at)
    )""",
    "create index meet_meeting_starts on meet_meeting (tenant_id, starts_at, id)",
    f"""
    create table meet_participant (
        {_TENANT},
        id uuid not null,
        meeting_id uuid not null,
        actor text not null,
        display_name text not null,
        state text not null
            check (state in ('lobby', 'admitted', 'denied', 'removed', 'left')),
        joined_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, meeting_id, actor),
        foreign key (tenant_id, meeting_id) references meet_meeting (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table meet_control (
        {_TENANT},
        id uuid not null,
        meeting_id uuid not null,
        seq integer not null,
        kind text not null
            check (kind in ('mute_all', 'remove', 'lock', 'unlock', 'admit', 'deny', 'end')),
        target uuid,
        actor text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, meeting_id, seq),
        foreign key (tenant_id, meeting_id) references meet_meeting (tenant_id, id)
            on delete cascade
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="meet", description=DESCRIPTION)

    async def create() -> None:
        from nexus_meet.tables import Meeting

        for statement in STATEMENTS:
            await Meeting.raw(statement)

    manager.add_raw(create)
    return manager
