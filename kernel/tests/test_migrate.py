"""``nexus migrate``: roles, plugin migrations, idempotence and serialization."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack

import asyncpg
from kernel_samples import hello, notes
from nexus.db._migrate import _create_roles
from nexus.plugins import load_plugins
from nexus.schema import migrate, pending_migrations
from nexus.testing import find_test_server, kernel_settings, run_sync, temporary_database


def _registry(settings):
    return load_plugins(settings, plugins=[hello, notes])


def test_migrate_applies_plugin_migrations_once(nexus_settings, nexus_database_url):
    registry = _registry(nexus_settings)
    before = run_sync(pending_migrations(registry, database_url=nexus_database_url))
    assert before["notes"] == ["2026-11-25T01:00:00:000000"]
    assert before["nexus"], "the kernel's own migrations are pending on an empty database"
    first = run_sync(migrate(nexus_settings, registry, database_url=nexus_database_url))
    assert list(first.applied) == ["nexus", "notes"], "kernel first, then plugins in start order"
    assert first.applied["notes"] == ["2026-11-25T01:00:00:000000"]
    assert first.applied["nexus"] == before["nexus"]
    second = run_sync(migrate(nexus_settings, registry, database_url=nexus_database_url))
    assert second.applied == {"nexus": [], "notes": []}
    after = run_sync(pending_migrations(registry, database_url=nexus_database_url))
    assert after == {"nexus": [], "notes": []}


def test_roles_own_and_use_tables_as_designed(nexus_settings, nexus_database_url):
    run_sync(migrate(nexus_settings, _registry(nexus_settings), database_url=nexus_database_url))

    async def inspect():
        conn = await asyncpg.connect(nexus_database_url)
        try:
            owner = await conn.fetchval(
                "select tableowner from pg_tables where tablename = 'notes_note'"
            )
            api = await conn.fetchrow(
                "select rolbypassrls, rolsuper from pg_roles where rolname = 'nexus_api'"
            )
            api_owns = await conn.fetchval(
                "select count(*) from pg_tables where tableowner = 'nexus_api'"
            )
            can_write = await conn.fetchval(
                "select has_table_privilege('nexus_api', 'notes_note', 'INSERT')"
            )
        finally:
            await conn.close()
        return owner, api, api_owns, can_write

    owner, api, api_owns, can_write = run_sync(inspect())
    assert owner == "nexus_owner"
    assert (api["rolbypassrls"], api["rolsuper"]) == (False, False)
    assert api_owns == 0
    assert can_write is True


def test_concurrent_migrations_are_serialized(nexus_settings, nexus_database_url):
    async def both():
        registry = _registry(nexus_settings)
        return await asyncio.gather(
            *(migrate(nexus_settings, registry, database_url=nexus_database_url) for _ in range(3))
        )

    reports = run_sync(both())
    applied = [report.applied["notes"] for report in reports]
    assert sorted(applied, key=len) == [[], [], ["2026-11-25T01:00:00:000000"]]


def test_role_setup_of_several_databases_on_one_server_races_safely():
    """Roles are the server's, the advisory lock one database's: migrators of several
    databases on one server set the same roles up at once (as several CI jobs do)."""
    settings = kernel_settings()
    server = find_test_server()
    with ExitStack() as stack:
        urls = [stack.enter_context(temporary_database(server)) for _ in range(4)]

        async def together():
            conns = [await asyncpg.connect(url) for url in urls]
            try:
                for _ in range(5):  # a race is a matter of timing: give it several chances
                    await asyncio.gather(*(_create_roles(conn, settings) for conn in conns))
            finally:
                for conn in conns:
                    await conn.close()

        asyncio.run(together())
