from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T03:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "claim SMS and WhatsApp deliveries before the provider call (issue #21)"

STATEMENTS = [
    # The claim committed before a provider call: its token, when the delivery was claimed,
    # and when the background sender started the call (its lease starts then).
    "alter table notify_delivery add column attempt_token uuid, "
    "add column sending_since timestamptz, add column called_at timestamptz",
    "alter table notify_delivery drop constraint notify_delivery_state_check",
    "alter table notify_delivery add constraint notify_delivery_state_check check (state in "
    "('queued', 'scheduled', 'sending', 'sent', 'retrying', 'failed', 'dead', 'suppressed', "
    "'unconfirmed'))",
    "create index notify_delivery_claimed on notify_delivery (tenant_id, sending_since) "
    "where state = 'sending' and channel in ('sms', 'whatsapp')",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="notify", description=DESCRIPTION)

    async def alter() -> None:
        from nexus_notify.tables import Message

        for statement in STATEMENTS:
            await Message.raw(statement)

    manager.add_raw(alter)
    return manager
