"""``database.transaction()``: few round trips, the tenant set, savepoints, a clean session."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest
from nexus.db import PostgresDatabase, _database
from nexus.plugins import load_plugins
from nexus.schema import migrate
from nexus.testing import run_sync

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

API_ROLE = "nexus_api"
TENANT_SETTING = "select current_setting('nexus.tenant_id', true)"
MY_ADVISORY_LOCKS = (
    "select count(*) from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()"
)


@pytest.fixture
def migrated(nexus_settings, nexus_database_url):
    """The test database with the kernel migrated (so the API role exists)."""
    registry = load_plugins(nexus_settings, plugins=[])
    run_sync(migrate(nexus_settings, registry, database_url=nexus_database_url))
    return nexus_database_url


def _with_one_connection(url: str, scenario: Callable[[PostgresDatabase], Awaitable[Any]]) -> Any:
    """Run ``scenario`` on a database adapter whose pool holds exactly one connection."""

    async def run() -> Any:
        database = PostgresDatabase(url, role=API_ROLE, pool_min=1, pool_max=1)
        await database.start()
        try:
            return await scenario(database)
        finally:
            await database.stop()

    return run_sync(run())


def test_a_transaction_costs_one_round_trip_besides_its_queries_and_commit(migrated):
    tenant = uuid.uuid4()

    async def scenario(database: PostgresDatabase) -> tuple[list[str], str]:
        sent: list[str] = []
        async with database.pool.acquire() as conn:
            conn.add_query_logger(lambda query: sent.append(query.query))
        sent.clear()
        async with database.transaction(tenant_id=tenant) as conn:
            seen = await conn.fetchval(TENANT_SETTING)
        async with database.pool.acquire() as conn:  # the logger reports asynchronously
            await conn.fetchval("select 1")
        return sent, seen

    sent, seen = _with_one_connection(migrated, scenario)
    assert seen == str(tenant)
    begin, query, commit, after = sent[:4]
    assert begin.startswith("BEGIN;")
    assert f"set_config('nexus.tenant_id', '{tenant}', true)" in begin
    assert query == TENANT_SETTING
    # The session reset rides with COMMIT, so releasing the connection sends nothing.
    assert commit.startswith("COMMIT;")
    assert "RESET ALL" in commit
    assert after == "select 1"


def test_session_state_does_not_outlive_a_transaction(migrated):
    tenant = uuid.uuid4()

    async def scenario(database: PostgresDatabase) -> list[Any]:
        async with database.transaction(tenant_id=tenant) as conn:
            # Careless plugin code: session-level settings and locks.
            await conn.execute("select set_config('nexus.tenant_id', $1, false)", str(tenant))
            await conn.execute("set statement_timeout = '123s'")
            await conn.execute("select pg_advisory_lock(42)")
        async with database.pool.acquire() as conn:
            return [
                await conn.fetchval(TENANT_SETTING),
                await conn.fetchval("show statement_timeout"),
                await conn.fetchval(MY_ADVISORY_LOCKS),
            ]

    setting, timeout, locks = _with_one_connection(migrated, scenario)
    assert setting in (None, "")
    assert timeout != "123s"
    assert locks == 0


def test_a_failed_transaction_rolls_back_and_resets_the_session(migrated):
    async def scenario(database: PostgresDatabase) -> list[Any]:
        with pytest.raises(RuntimeError):
            async with database.transaction(tenant_id=uuid.uuid4()) as conn:
                await conn.execute("select pg_advisory_lock(42)")  # not undone by a rollback
                await conn.execute("create temporary table scratch (id int)")
                raise RuntimeError("the handler failed")
        async with database.pool.acquire() as conn:
            return [
                await conn.fetchval("select to_regclass('pg_temp.scratch') is null"),
                await conn.fetchval(MY_ADVISORY_LOCKS),
                await conn.fetchval(TENANT_SETTING),
            ]

    dropped, locks, setting = _with_one_connection(migrated, scenario)
    assert dropped is True
    assert locks == 0
    assert setting in (None, "")


def test_a_nested_connection_transaction_is_a_savepoint(migrated):
    tenant = uuid.uuid4()

    async def scenario(database: PostgresDatabase) -> list[Any]:
        async with database.transaction(tenant_id=tenant) as conn:
            await conn.execute("create temporary table scratch (id int)")
            await conn.execute("insert into scratch values (1)")
            with pytest.raises(RuntimeError):
                async with conn.transaction():
                    await conn.execute("insert into scratch values (2)")
                    raise RuntimeError("undo the inner block only")
            return [
                await conn.fetchval("select array_agg(id) from scratch"),
                await conn.fetchval(TENANT_SETTING),
            ]

    kept, setting = _with_one_connection(migrated, scenario)
    assert kept == [1]
    assert setting == str(tenant)


def test_the_tenant_is_set_even_if_asyncpg_begins_differently(migrated, monkeypatch):
    # Should asyncpg ever send something other than "BEGIN;", the setting goes on its own.
    monkeypatch.setattr(_database, "_BEGIN", "BEGIN ISOLATION LEVEL NEVER;")
    tenant = uuid.uuid4()

    async def scenario(database: PostgresDatabase) -> str:
        async with database.transaction(tenant_id=tenant) as conn:
            return await conn.fetchval(TENANT_SETTING)

    assert _with_one_connection(migrated, scenario) == str(tenant)


def test_a_nested_database_transaction_joins_the_outer_one_in_its_tenant(migrated):
    first, second = uuid.uuid4(), uuid.uuid4()

    async def scenario(database: PostgresDatabase) -> list[Any]:
        async with database.transaction(tenant_id=first) as outer:
            pid = await outer.fetchval("select pg_backend_pid()")
            async with database.transaction(tenant_id=second) as inner:
                return [
                    pid == await inner.fetchval("select pg_backend_pid()"),
                    await inner.fetchval(TENANT_SETTING),
                ]

    same_connection, setting = _with_one_connection(migrated, scenario)
    assert same_connection is True
    assert setting == str(second)
