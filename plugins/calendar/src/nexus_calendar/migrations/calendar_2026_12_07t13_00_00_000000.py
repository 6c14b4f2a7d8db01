from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T13:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "CalDAV: the resource name a client gave an event"

STATEMENTS = [
    "alter table calendar_event add column dav_href text",
    "create unique index calendar_event_dav_href on calendar_event "
    "(tenant_id, calendar_id, dav_href) where dav_href is not null",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="calendar", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_calendar.tables import Calendar

        for statement in STATEMENTS:
            await Calendar.raw(statement)

    manager.add_raw(alter)
    return manager
