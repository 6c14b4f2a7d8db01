from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-12-07T12:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "create the integrations tables"

_TENANT = (
    "tenant_id uuid not null default nullif(current_setting('nexus.tenant_id', true), '')::uuid"
)

STATEMENTS = [
    f"""
    create table integrations_connection (
        {_TENANT},
        id uuid not null,
        source text not null check (source in ('odoo')),
        name text not null,
        config_enc text not null,
        state jsonb not null default jsonb_build_object(),
        created_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, source, name)
    )""",
    f"""
    create table integrations_external_ref (
        {_TENANT},
        id uuid not null,
        connection_id uuid not null,
        object text not null,
        remote_id text not null,
        nexus_id uuid not null,
        fingerprint text not null,
        updated_at timestamptz not null default now(),
        primary key (tenant_id, id),
        unique (tenant_id, connection_id, object, remote_id),
        foreign key (tenant_id, connection_id) references integrations_connection (tenant_id, id)
            on delete cascade
    )""",
    f"""
    create table integrations_run (
        {_TENANT},
        id uuid not null,
        connection_id uuid not null,
        kind text not null check (kind in ('import')),
        dry_run boolean not null,
        status text not null check (status in ('running', 'done', 'failed')),
        report jsonb not null default jsonb_build_object(),
        error text,
        started_at timestamptz not null default now(),
        finished_at timestamptz,
        primary key (tenant_id, id),
        foreign key (tenant_id, connection_id) references integrations_connection (tenant_id, id)
            on delete cascade
    )""",
    "create index integrations_run_connection on integrations_run "
    "(tenant_id, connection_id, started_at desc)",
]


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="integrations", description=DESCRIPTION)

    async def create() -> None:
        from nexus_integrations.tables import Run

        for statement in STATEMENTS:
            await Run.raw(statement)

    manager.add_raw(create)
    return manager
