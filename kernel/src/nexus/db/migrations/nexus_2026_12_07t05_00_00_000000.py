"""One-time tokens of users: invitations and password resets (issue #21)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T05:00:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "users' invitation and password-reset tokens"

# Only a SHA-256 of each token's 256-bit secret is kept; a token is used once (used_at) and
# expires. Row-level security is enforced on it as on every table with a tenant_id. The
# foreign key is checked at commit: a purge or an import handles the tables in any order.
SQL = """
create table nexus_user_token (
    tenant_id uuid not null references nexus_tenant (id) on delete cascade,
    id uuid not null,
    user_id uuid not null,
    purpose text not null check (purpose in ('invitation', 'password_reset')),
    token_hash bytea not null,
    expires_at timestamptz not null,
    used_at timestamptz,
    created_at timestamptz not null default now(),
    primary key (tenant_id, id),
    foreign key (tenant_id, user_id) references nexus_user (tenant_id, id)
        on delete cascade deferrable initially deferred
);
create index nexus_user_token_user on nexus_user_token (tenant_id, user_id, purpose);
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def create() -> None:
        await run_script(SQL)

    manager.add_raw(create)
    return manager
