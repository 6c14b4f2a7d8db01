"""Two-way sync: Google and Zoho connections, the Nexus side's fingerprint and the remote
version (an etag) of each mapped object."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T18:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "google and zoho connections; local fingerprints and remote versions"

STATEMENTS = [
    "alter table integrations_connection drop constraint integrations_connection_source_check",
    "alter table integrations_connection add constraint integrations_connection_source_check "
    "check (source in ('odoo', 'google', 'zoho'))",
    "alter table integrations_external_ref add column local_fingerprint text",
    "alter table integrations_external_ref add column remote_version text",
    "create index integrations_external_ref_nexus on integrations_external_ref "
    "(tenant_id, connection_id, object, nexus_id)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="integrations", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_integrations.tables import Run

        for statement in STATEMENTS:
            await Run.raw(statement)

    manager.add_raw(alter)
    return manager
