from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T12:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the calendar tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    f"""
    create table calendar_calendar (
        {_TENANT},
        id uuid not null,
        name text not null,
        owner text,
        timezone text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table calendar_event (
        {_TENANT},
        id uuid not null,
        calendar_id uuid not null,
        uid text not null,
        summary text not null,
        description text,
        location text,
        all_day boolean not null,
        starts_at timestamptz,
        ends_at timestamptz,
        start_date date,
        end_date date,
        timezone text not null,
        rrule text,
        exdates text[] not null default array[]::text[],
        sequence integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, calendar_id, uid),
        check (case when all_day
            then start_date is not null and end_date > start_date
            else starts_at is not null and ends_at >= starts_at end),
        foreign key (tenant_id, calendar_id) references calendar_calendar (tenant_id, id)
            on delete cascade
    )""",
    "create index calendar_event_calendar on calendar_event (tenant_id, calendar_id)",
    f"""
    create table calendar_attendee (
        {_TENANT},
        id uuid not null,
        event_id uuid not null,
        email text not null,
        name text,
        partstat text not null default 'NEEDS-ACTION' check (partstat in
            ('NEEDS-ACTION', 'ACCEPTED', 'DECLINED', 'TENTATIVE', 'DELEGATED')),
        replied_at timestamptz,
        primary key (tenant_id, id),
        unique (tenant_id, event_id, email),
        foreign key (tenant_id, event_id) references calendar_event (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table calendar_feed (
        {_TENANT},
        id uuid not null,
        calendar_id uuid not null,
        token_hash text not null unique,
        created_at timestamptz not null default now(),
        revoked_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, calendar_id) references calendar_calendar (tenant_id, id)
            on delete cascade
    )""",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendar", description=DESCRIPTION)

    async def create() -> None:
        from nexus_calendar.tables import Calendar

        for statement in STATEMENTS:
            await Calendar.raw(statement)

    manager.add_raw(create)
    return manager
