from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T22:20:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "signaling across processes: a participant's socket, large notes"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    # The participant's current signaling socket (any process); null when not connected.
    "alter table meet_participant add column connection uuid",
    # A note too large for a NOTIFY payload (an SDP offer), read by the other processes.
    f"""
    create table meet_signal (
        {_TENANT},
        id uuid not null,
        meeting_id uuid not null,
        body text not null,
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        foreign key (tenant_id, meeting_id) references meet_meeting (tenant_id, id)
            on delete cascade
    )""",
    "create index meet_signal_created on meet_signal (tenant_id, created_at)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="meet", description=DESCRIPTION)

    async def change() -> None:
        from nexus_meet.tables import Meeting

        for statement in STATEMENTS:
            await Meeting.raw(statement)

    manager.add_raw(change)
    return manager
