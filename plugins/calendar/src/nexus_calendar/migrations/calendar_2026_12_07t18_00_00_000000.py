from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = (
    "modified occurrences of recurring events (RECURRENCE-ID overrides); "
    "calendars made by CalDAV MKCALENDAR keep the client's path segment; "
    "CardDAV resource names and UIDs of CRM contacts"
)

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

# recurrence_id is the original occurrence's start, normalized: an ISO instant in UTC for a
# timed event, an ISO date for an all-day one (as exdates are kept, but in UTC so that one
# occurrence has one spelling).
STATEMENTS = [
    "alter table calendar_calendar add column dav_name text",
    # A CRM contact a CardDAV client created keeps the client's resource name and UID (the
    # contact lives in CRM; no foreign key across plugins).
    f"""
    create table calendar_card (
        {_TENANT},
        contact_id uuid not null,
        href text not null,
        uid text not null,
        primary key (tenant_id, contact_id),
        unique (tenant_id, href),
        unique (tenant_id, uid)
    )""",
    "alter table calendar_calendar add constraint calendar_calendar_dav_name "
    "unique (tenant_id, dav_name)",
    f"""
    create table calendar_override (
        {_TENANT},
        id uuid not null,
        event_id uuid not null,
        recurrence_id text not null,
        summary text not null,
        description text,
        location text,
        starts_at timestamptz,
        ends_at timestamptz,
        start_date date,
        end_date date,
        sequence integer not null default 0,
        created_at timestamptz not null default now(),
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, event_id, recurrence_id),
        foreign key (tenant_id, event_id) references calendar_event (tenant_id, id)
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
