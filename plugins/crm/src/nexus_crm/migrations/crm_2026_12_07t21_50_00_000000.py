"""Leads: a contact's lifecycle stage (``lead`` or ``customer``) and its first touch's UTM
attribution (source, medium, campaign)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T21:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "contacts' lifecycle stage and UTM attribution"

STATEMENTS = (
    "alter table crm_contact add column lifecycle_stage text "
    "check (lifecycle_stage in ('lead', 'customer'))",
    "alter table crm_contact add column utm_source text",
    "alter table crm_contact add column utm_medium text",
    "alter table crm_contact add column utm_campaign text",
    "create index crm_contact_stage on crm_contact (tenant_id, lifecycle_stage) "
    "where lifecycle_stage is not null",
)


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="crm", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_crm.tables import Contact

        for statement in STATEMENTS:
            await Contact.raw(statement)

    manager.add_raw(alter)
    return manager
