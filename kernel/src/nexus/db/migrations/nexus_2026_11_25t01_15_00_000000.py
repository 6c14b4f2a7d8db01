"""Tenants and identity: tenants, users, API keys, platform keys, JWT signing keys."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-11-25T01:15:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "tenants and identity"

SQL = """
create table nexus_tenant (
    id uuid primary key,
    slug text not null unique check (slug ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    name text not null,
    plan text not null default 'standard',
    placement text not null default 'shared' check (placement in ('shared', 'dedicated')),
    status text not null default 'provisioning'
        check (status in ('provisioning', 'active', 'suspended', 'deprovisioned')),
    profile jsonb not null default '{}',
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now()
);

create table nexus_user (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    email text not null,
    name text not null default '',
    password_hash text,
    roles text[] not null default '{member}',
    disabled boolean not null default false,
    created_at timestamptz not null default now(),
    updated_at timestamptz not null default now(),
    primary key (tenant_id, id)
);
create unique index nexus_user_email on nexus_user (tenant_id, lower(email));

create table nexus_api_key (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    name text not null,
    secret_hash bytea not null,
    roles text[] not null,
    scopes text[] not null default '{*}',
    user_id uuid,
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id)
);

create table nexus_platform_key (
    id uuid primary key,
    name text not null,
    secret_hash bytea not null,
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now()
);

create table nexus_signing_key (
    kid text primary key,
    algorithm text not null,
    private_pem text not null,
    public_pem text not null,
    created_at timestamptz not null default now(),
    retired_at timestamptz
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
