"""Every process forgets a tenant's routing when the directory says so (``nexus_placement``)."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

import asyncpg
from nexus.db import PostgresDatabase, notify_placement
from nexus.testing import make_tenant, run_sync


async def routed_home(database: PostgresDatabase, tenant_id, *, want: bool) -> bool:
    """Whether ``database`` routes the tenant home as wanted within 10 s (NOTIFY is async)."""
    assert database.placements is not None
    async with asyncio.timeout(10):
        while await database.placements.is_home(tenant_id) != want:
            await asyncio.sleep(0.02)
    return want


def test_a_notified_change_of_placement_reaches_another_process(nexus_migrated_database):
    url = nexus_migrated_database([])
    tenant = make_tenant(url)
    name = urlsplit(url).path.lstrip("/")
    # The tenant "lives" in a database named like home's but reached through another URL
    # (another pool), which is all routing can tell.
    other = url.replace("127.0.0.1", "localhost")

    async def place(conn: asyncpg.Connection, placed: bool) -> None:
        async with conn.transaction():
            await conn.execute(
                "update nexus_tenant set cluster = $2, database = $3 where id = $1",
                tenant.id,
                "elsewhere" if placed else None,
                name if placed else None,
            )
            await notify_placement(conn, tenant.id)

    async def scenario() -> list[bool]:
        conn = await asyncpg.connect(url)
        await conn.execute("insert into nexus_cluster (name, url) values ('elsewhere', $1)", other)
        first, second = (PostgresDatabase(url, placed=True) for _ in range(2))
        await first.start()
        await second.start()
        try:
            seen = [await second.placements.is_home(tenant.id)]  # cached: home
            await place(conn, placed=True)  # "first" moves it; "second" only hears of it
            seen.append(await routed_home(second, tenant.id, want=False))
            await place(conn, placed=False)
            seen.append(await routed_home(second, tenant.id, want=True))
            return seen
        finally:
            await second.stop()
            await first.stop()
            await conn.close()

    assert run_sync(scenario()) == [True, False, True]
