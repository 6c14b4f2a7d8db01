"""Nexus as a tenant's OpenID Connect provider (issue #29): keys, clients, codes, tokens."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T18:55:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "OpenID Connect provider: signing keys, clients, codes, tokens, consents"

# Every table is tenant-owned: row-level security is enforced on each as on every table with
# a tenant_id. Signing keys are stored Fernet-encrypted (NEXUS_IDAAS_KEYS); client secrets,
# codes and tokens only as SHA-256 of their 256-bit random values. A token's family is the
# chain of refresh tokens rotated from one authorization: a rotated refresh token presented
# again revokes the whole family. Foreign keys to users are checked at commit (a purge or
# an import handles the tables in any order). The API role reads none of the secret columns
# (nexus.schema._credentials): it reaches them through security-definer functions.
SQL = """
create table nexus_oidc_key (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    kid text not null,
    private_jwk text not null,
    public_jwk jsonb not null,
    created_at timestamptz not null default now(),
    retired_at timestamptz,
    primary key (tenant_id, kid)
);
create table nexus_oidc_client (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    client_id text not null,
    name text not null,
    confidential boolean not null,
    secret_hash bytea,
    check (confidential = (secret_hash is not null)),
    redirect_uris text[] not null default '{}',
    post_logout_redirect_uris text[] not null default '{}',
    grant_types text[] not null,
    scopes text[] not null,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, client_id)
);
create table nexus_oidc_code (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    code_hash bytea not null,
    client_id text not null,
    user_id uuid not null,
    redirect_uri text not null,
    scope text not null,
    nonce text,
    code_challenge text,
    code_challenge_method text,
    auth_time bigint not null,
    expires_at timestamptz not null,
    primary key (tenant_id, code_hash),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create table nexus_oidc_token (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    family_id uuid not null,
    client_id text not null,
    user_id uuid,
    scope text not null,
    access_hash bytea not null,
    refresh_hash bytea,
    expires_at timestamptz not null,
    refresh_expires_at timestamptz,
    rotated_at timestamptz,
    revoked_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, access_hash),
    unique (tenant_id, refresh_hash),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create index nexus_oidc_token_family on nexus_oidc_token (tenant_id, family_id);
create index nexus_oidc_token_user on nexus_oidc_token (tenant_id, user_id);
create table nexus_oidc_consent (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    user_id uuid not null,
    client_id text not null,
    scopes text[] not null,
    granted_at timestamptz not null default now(),
    primary key (tenant_id, user_id, client_id),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
