"""Users' email verification: when an address was proven, and its one-time link's purpose."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

from nexus.db._script import run_script

ID = "2026-12-07T18:50:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "users' email verification"

# Users who exist already count as verified (adding the column with a default fills them
# without a row-level-security-bound update); new users start unverified (null) until they
# follow an emailed link: a verification, an invitation or a password reset.
SQL = """
alter table nexus_user add column email_verified_at timestamptz default now();
alter table nexus_user alter column email_verified_at drop default;
alter table nexus_user_token drop constraint nexus_user_token_purpose_check;
alter table nexus_user_token add constraint nexus_user_token_purpose_check
    check (purpose in ('invitation', 'password_reset', 'email_verification'));
"""


async def forwards() -> MigrationManager:
    manager = MigrationManager(migration_id=ID, app_name="nexus", description=DESCRIPTION)

    async def alter() -> None:
        await run_script(SQL)

    manager.add_raw(alter)
    return manager
