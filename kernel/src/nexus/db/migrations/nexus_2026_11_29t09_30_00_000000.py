"""Events: the outbox (the log of the embedded bus), consumer offsets, inbox, dead letters."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-11-29T09:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "event outbox, inbox, dead letters and counters"

# Writers insert into the outbox inside their own tenant transaction (row-level security
# applies, as to every tenant table). The relay and the consumers read across tenants as
# nexus_relay (a member of the API role, created by `nexus migrate`): the permissive
# policies below are limited to that role, so the API role still sees one tenant only.
# ``position`` is the order of the embedded bus's log, assigned by the relay after commit
# (never at insert time, where a later commit could slip in behind a consumer's offset).
# No foreign key to nexus_tenant: events outlive the rows they describe.
SQL = """
create table nexus_event_outbox (
    tenant_id uuid not null,
    id uuid not null,
    seq bigint generated always as identity,
    plugin text not null,
    type text not null,
    envelope bytea not null,
    created_at timestamptz not null default now(),
    position bigint,
    published_at timestamptz,
    primary key (tenant_id, id)
);
create index nexus_event_outbox_unpublished on nexus_event_outbox (seq)
    where published_at is null;
create unique index nexus_event_outbox_position on nexus_event_outbox (position)
    where position is not null;

create table nexus_event_offset (
    consumer text primary key,
    position bigint not null default 0,
    updated_at timestamptz not null default now()
);

create table nexus_event_inbox (
    tenant_id uuid not null,
    consumer text not null,
    event_id uuid not null,
    handled_at timestamptz not null default now(),
    primary key (tenant_id, consumer, event_id)
);

create table nexus_event_dead_letter (
    tenant_id uuid not null,
    consumer text not null,
    event_id uuid not null,
    type text not null,
    envelope bytea not null,
    error text not null,
    attempts integer not null,
    failed_at timestamptz not null default now(),
    primary key (tenant_id, consumer, event_id)
);

create table nexus_event_count (
    tenant_id uuid not null,
    day date not null,
    type text not null,
    count bigint not null default 0,
    primary key (tenant_id, day, type)
);

create policy nexus_relay_read on nexus_event_outbox for select to nexus_relay using (true);
create policy nexus_relay_mark on nexus_event_outbox for update to nexus_relay
    using (true) with check (true);
create policy nexus_relay_read on nexus_event_dead_letter for select to nexus_relay
    using (true);
create policy nexus_relay_redrive on nexus_event_dead_letter for delete to nexus_relay
    using (true);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
