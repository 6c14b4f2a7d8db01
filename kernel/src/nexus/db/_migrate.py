"""Roles, then the given Piccolo apps' migrations and row-level security, one runner at a time.

This is the database's half of ``nexus migrate``; :func:`nexus.schema.migrate` names the
apps (the loaded plugins') and the steps that follow (the signing key).
"""

from __future__ import annotations

import asyncio
import contextlib
import io
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
import structlog
from piccolo.apps.migrations.tables import Migration

from nexus.db._database import Engine
from nexus.db._piccolo import KERNEL_APP, configure_piccolo
from nexus.db._tenancy import enforce_tenancy

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Sequence

    from nexus.settings import Settings

__all__ = (
    "OPERATOR_ROLE",
    "RELAY_ROLE",
    "MigrationError",
    "MigrationReport",
    "apply_migrations",
    "pending_app_migrations",
)

log = structlog.get_logger("nexus.db")

RELAY_ROLE = "nexus_relay"
"""The role of the event relay and consumers; fixed, because the events migration names it."""

OPERATOR_ROLE = "nexus_operator"
"""The role of operator commands that handle credentials (platform keys, tenant export and
import): the API role's grants, plus the credential hashes and platform keys the API role
may not read (:mod:`nexus.schema` grants them). Row-level security applies to it as well."""

# Advisory lock key (an arbitrary constant, "nexus" in ASCII): concurrent migrators queue on it.
_LOCK_KEY = 0x6E65787573
_ROLE_ATTEMPTS = 5


class MigrationError(RuntimeError):
    """A migration failed; the message names the app and the reason."""


class MigrationReport(msgspec.Struct, kw_only=True):
    """What one ``nexus migrate`` run did.

    Attributes:
        applied: Migration ids applied, per Piccolo app.
        apps: Every app checked, in order.
        secured: Tenant tables that row-level security was switched on for in this run.
    """

    applied: dict[str, list[str]] = msgspec.field(default_factory=dict)
    apps: list[str] = msgspec.field(default_factory=list)
    secured: list[str] = msgspec.field(default_factory=list)


def _roles_sql(owner: str, api: str) -> str:
    # The event relay and consumers read the outbox across tenants as RELAY_ROLE: a member
    # of the API role (its grants) that the outbox's relay policies name (see the events
    # migration); it cannot bypass row-level security on any other table. Operator commands
    # act as OPERATOR_ROLE: the API role's grants plus credentials (granted by nexus.schema).
    owner_q, api_q, relay_q = _quote(owner), _quote(api), _quote(RELAY_ROLE)
    operator_q = _quote(OPERATOR_ROLE)
    return f"""
    DO $$ BEGIN CREATE ROLE {owner_q} NOLOGIN; EXCEPTION WHEN duplicate_object THEN NULL; END $$;
    DO $$ BEGIN CREATE ROLE {api_q} NOLOGIN NOBYPASSRLS;
              EXCEPTION WHEN duplicate_object THEN NULL; END $$;
    ALTER ROLE {api_q} NOBYPASSRLS;
    GRANT {owner_q} TO CURRENT_USER;
    GRANT {api_q} TO CURRENT_USER;
    DO $$ BEGIN CREATE ROLE {relay_q} NOLOGIN NOBYPASSRLS IN ROLE {api_q};
              EXCEPTION WHEN duplicate_object THEN NULL; END $$;
    GRANT {relay_q} TO CURRENT_USER;
    DO $$ BEGIN CREATE ROLE {operator_q} NOLOGIN NOBYPASSRLS IN ROLE {api_q};
              EXCEPTION WHEN duplicate_object THEN NULL; END $$;
    GRANT {operator_q} TO CURRENT_USER;
    GRANT USAGE, CREATE ON SCHEMA public TO {owner_q};
    GRANT USAGE ON SCHEMA public TO {api_q};
    ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public
        GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {api_q};
    ALTER DEFAULT PRIVILEGES FOR ROLE {owner_q} IN SCHEMA public
        GRANT USAGE, SELECT ON SEQUENCES TO {api_q};
    """


async def _create_roles(conn: asyncpg.Connection, settings: Settings) -> None:
    """Run the roles' SQL, again when another database's migrator changed a role meanwhile.

    Roles belong to the whole server while the advisory lock holds one database only, so
    ``nexus migrate`` of two databases on one server may race on the same role rows
    ("tuple concurrently updated", or a duplicate of a role just created).
    """
    sql = _roles_sql(settings.db_owner_role, settings.db_api_role)
    for attempt in range(_ROLE_ATTEMPTS):
        try:
            await conn.execute(sql)
            return
        except (asyncpg.InternalServerError, asyncpg.UniqueViolationError) as exc:
            racing = isinstance(exc, asyncpg.UniqueViolationError) or "concurrently" in str(exc)
            if not racing or attempt == _ROLE_ATTEMPTS - 1:
                raise
            await asyncio.sleep(0.05 * (attempt + 1))


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def apply_migrations(
    settings: Settings,
    *,
    database_url: str,
    apps: Sequence[str],
    then: Sequence[Callable[[asyncpg.Connection], Awaitable[object]]] = (),
) -> MigrationReport:
    """Create the roles, apply the kernel's and ``apps``' pending migrations, secure tables.

    Idempotent: a second run applies nothing. Concurrent runs against one database wait
    for each other (a PostgreSQL advisory lock).

    Args:
        settings: Names the owner and API roles.
        database_url: The database to migrate, reached as a role that may create roles.
        apps: Piccolo app modules after the kernel's own, in start order.
        then: Steps run last, still under the lock, as the owner role.

    Raises:
        MigrationError: naming the Piccolo app whose migration failed.
    """
    report = MigrationReport()
    lock = await asyncpg.connect(database_url)
    try:
        await lock.execute("select pg_advisory_lock($1)", _LOCK_KEY)
        await _create_roles(lock, settings)
        engine = _owner_engine(database_url, settings.db_owner_role)
        app_registry = configure_piccolo(engine, [KERNEL_APP, *apps])
        await engine.start_connection_pool(min_size=1, max_size=2)
        try:
            report.apps = list(app_registry.app_configs)
            for app_name in report.apps:
                report.applied[app_name] = await _forwards(app_name)
        finally:
            await engine.close_connection_pool()
        await lock.execute(f"set role {_quote(settings.db_owner_role)}")
        report.secured = await enforce_tenancy(lock)
        for step in then:
            await step(lock)
        await lock.execute("reset role")
    finally:
        with contextlib.suppress(Exception):
            await lock.execute("select pg_advisory_unlock($1)", _LOCK_KEY)
        await lock.close()
    return report


async def pending_app_migrations(apps: Sequence[str], *, database_url: str) -> dict[str, list[str]]:
    """Return the migration ids not yet applied, per Piccolo app (empty lists included).

    The kernel's own app comes first, then ``apps``.
    """
    engine = Engine(config={"dsn": database_url}, extensions=())
    app_registry = configure_piccolo(engine, [KERNEL_APP, *apps])
    manager = _forwards_manager("all")
    pending: dict[str, list[str]] = {}
    has_table = await Migration.table_exists().run()
    for app_name, app_config in app_registry.app_configs.items():
        modules = manager.get_migration_modules(app_config.resolved_migrations_folder_path)
        ran = await Migration.get_migrations_which_ran(app_name=app_name) if has_table else []
        pending[app_name] = sorted(set(modules) - set(ran))
    return pending


def _forwards_manager(app_name: str) -> Any:
    # Piccolo's migration commands import its whole CLI (black among it): only when migrating.
    from piccolo.apps.migrations.commands.forwards import (  # noqa: PLC0415
        ForwardsMigrationManager,
    )

    return ForwardsMigrationManager(app_name=app_name)


def _owner_engine(url: str, owner_role: str) -> Engine:
    return Engine(config={"dsn": url, "server_settings": {"role": owner_role}}, extensions=())


async def _forwards(app_name: str) -> list[str]:
    manager = _forwards_manager(app_name)
    await manager.create_migration_table()
    before = set(await Migration.get_migrations_which_ran(app_name=app_name))
    # Piccolo narrates with print(); keep the CLI's own output clean and log it instead.
    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):
            result = await manager.run()
    except Exception as exc:
        raise MigrationError(f"migrations of '{app_name}' failed: {exc}") from exc
    if not result.success:
        raise MigrationError(f"migrations of '{app_name}' failed: {result.message}")
    after = set(await Migration.get_migrations_which_ran(app_name=app_name))
    applied = sorted(after - before)
    log.info("migrated", app=app_name, applied=applied)
    return applied
