"""Single sign-on into Nexus: the tenant's identity providers, its email domains, pending logins."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T18:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "single sign-on providers, verified email domains, pending SSO logins"

# Row-level security is enforced on each as on every table with a tenant_id. An OIDC client
# secret is kept Fernet-encrypted (NEXUS_IDENTITY_KEYS). A domain is verified by one tenant
# at most (the partial unique index); a login is pending for minutes, then used once.
SQL = """
create table nexus_sso_provider (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    name text not null,
    kind text not null check (kind in ('oidc', 'saml')),
    issuer text,
    client_id text,
    client_secret_sealed text,
    idp_metadata text,
    groups_attribute text not null default 'groups',
    role_mapping jsonb not null default '{}',
    default_roles text[] not null default '{member}',
    jit boolean not null default true,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, name)
);
create table nexus_sso_domain (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    domain text not null,
    verification_token text not null,
    verified_at timestamptz,
    sso_only boolean not null default false,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    unique (tenant_id, domain)
);
create unique index nexus_sso_domain_verified on nexus_sso_domain (domain)
    where verified_at is not null;
create table nexus_sso_login (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    provider_id uuid not null,
    request_id text,
    nonce text,
    code_verifier text,
    expires_at timestamptz not null,
    used_at timestamptz,
    primary key (tenant_id, id),
    foreign key (tenant_id, provider_id) references nexus_sso_provider (tenant_id, id)
        on delete cascade deferrable initially deferred
);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
