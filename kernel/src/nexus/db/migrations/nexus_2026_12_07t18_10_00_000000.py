"""Second factors (TOTP, recovery codes, passkeys), MFA tickets and policy, and sessions."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T18:10:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "second factors, MFA tickets and policy, sign-in sessions"

# Row-level security is enforced on each as on every table with a tenant_id. A TOTP secret
# is kept Fernet-encrypted (NEXUS_IDENTITY_KEYS), a recovery code or a ticket only as a
# SHA-256 of its random secret. The foreign keys are checked at commit: a purge or an import
# handles the tables in any order.
SQL = """
create table nexus_mfa_totp (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    user_id uuid not null,
    secret_sealed text not null,
    confirmed_at timestamptz,
    last_step bigint not null default 0,
    created_at timestamptz not null default now(),
    primary key (tenant_id, user_id),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create table nexus_mfa_recovery_code (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    user_id uuid not null,
    code_hash bytea not null,
    used_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create index nexus_mfa_recovery_code_user on nexus_mfa_recovery_code (tenant_id, user_id);
create table nexus_mfa_passkey (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    user_id uuid not null,
    name text not null,
    credential_id bytea not null,
    public_key bytea not null,
    sign_count bigint not null default 0,
    transports text[] not null default '{}',
    created_at timestamptz not null default now(),
    last_used_at timestamptz,
    primary key (tenant_id, id),
    unique (tenant_id, credential_id),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create table nexus_mfa_ticket (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    user_id uuid not null,
    purpose text not null check (purpose in ('verify', 'enrol', 'sso')),
    method text not null,
    secret_hash bytea not null,
    challenge bytea,
    attempts integer not null default 0,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create table nexus_mfa_policy (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    require_all boolean not null default false,
    roles text[] not null default '{}',
    updated_at timestamptz not null default now(),
    primary key (tenant_id)
);
create table nexus_session (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    user_id uuid not null,
    method text not null,
    address text,
    user_agent text,
    created_at timestamptz not null default now(),
    expires_at timestamptz not null,
    revoked_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create index nexus_session_user on nexus_session (tenant_id, user_id, created_at);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
