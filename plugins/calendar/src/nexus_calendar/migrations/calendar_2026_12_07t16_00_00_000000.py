from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T16:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "bookable resources (rooms, equipment) without double booking; reminders"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

# No exclusion constraint: one over (resource_id with =, span with &&) needs btree_gist,
# which the owner role running the migrations may not create. Bookings of a resource are
# serialized by a row lock on it instead (``select ... for update``, see _booking.py).
STATEMENTS = [
    "alter table calendar_event add column reminders integer[] not null default array[]::integer[]",
    "alter table calendar_event add column created_by text",
    f"""
    create table calendar_resource (
        {_TENANT},
        id uuid not null,
        name text not null,
        kind text not null check (kind in ('room', 'equipment')),
        capacity integer check (capacity > 0),
        location text,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id)
    )""",
    f"""
    create table calendar_event_resource (
        {_TENANT},
        event_id uuid not null,
        resource_id uuid not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, event_id, resource_id),
        foreign key (tenant_id, event_id) references calendar_event (tenant_id, id)
            on delete cascade,
        foreign key (tenant_id, resource_id) references calendar_resource (tenant_id, id)
            on delete cascade
    )""",
    "create index calendar_event_resource_resource on calendar_event_resource "
    "(tenant_id, resource_id)",
    f"""
    create table calendar_booking (
        {_TENANT},
        event_id uuid not null,
        resource_id uuid not null,
        span tstzrange not null,
        primary key (tenant_id, resource_id, event_id, span),
        foreign key (tenant_id, event_id, resource_id)
            references calendar_event_resource (tenant_id, event_id, resource_id)
            on delete cascade
    )""",
    "create index calendar_booking_span on calendar_booking using gist (span)",
    "create index calendar_booking_event on calendar_booking (tenant_id, event_id)",
    f"""
    create table calendar_reminder_sent (
        {_TENANT},
        event_id uuid not null,
        occurrence_start timestamptz not null,
        minutes integer not null,
        sent_at timestamptz not null default now(),
        primary key (tenant_id, event_id, occurrence_start, minutes),
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
