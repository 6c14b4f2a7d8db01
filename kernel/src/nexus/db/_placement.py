"""Placement: which database holds a tenant's rows, and one pool per database, chosen per tenant.

Shared tenants live in the home database (the one the kernel starts with); a tenant placed
on a cluster of the directory (``nexus_cluster``) lives in its own database there. A tenant
is looked up once per process and cached: its database changes only when an operator moves
or removes it, and whatever does so sends :data:`PLACEMENT_CHANNEL` (:func:`notify_placement`,
in its transaction): every process listening forgets the tenant's routing after commit.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit
from uuid import UUID

import asyncpg
import structlog

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus.db._database import PostgresDatabase

__all__ = ("PLACEMENT_CHANNEL", "Placements", "notify_placement", "tenant_database_url")

log = structlog.get_logger("nexus.db")

PLACEMENT_CHANNEL = "nexus_placement"
"""NOTIFY channel telling every process to forget a tenant's routing (payload: its id)."""


async def notify_placement(conn: asyncpg.Connection, tenant_id: UUID) -> None:
    """Tell every process, once ``conn``'s transaction commits, to look ``tenant_id`` up again."""
    await conn.execute("select pg_notify($1, $2)", PLACEMENT_CHANNEL, str(tenant_id))


_WHERE = """
select c.url, t.database
  from nexus_tenant t left join nexus_cluster c on c.name = t.cluster
 where t.id = $1
"""


def tenant_database_url(cluster_url: str, database: str | None) -> str:
    """The URL of ``database`` on the cluster at ``cluster_url`` (the URL's own when ``None``).

    Example::

        tenant_database_url("postgresql://nexus@db2/postgres", "nexus_t_0193…")
        # 'postgresql://nexus@db2/nexus_t_0193…'
    """
    if not database:
        return cluster_url
    return urlunsplit(urlsplit(cluster_url)._replace(path=f"/{database}"))


def _termination(conn: asyncpg.Connection) -> asyncio.Future[None]:
    """A future done when ``conn`` is lost (the server went away, or it was closed)."""
    lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

    def terminated(_: object) -> None:
        if not lost.done():
            lost.set_result(None)

    conn.add_termination_listener(terminated)
    return lost


class Placements:
    """The databases of a home database's tenants, each behind its own pool.

    Args:
        home: The home database; it holds the tenant directory and every shared tenant.
        open_database: Makes (unstarted) the pool of another database from its URL.
    """

    def __init__(
        self, home: PostgresDatabase, open_database: Callable[[str], PostgresDatabase]
    ) -> None:
        self._home = home
        self._open_database = open_database
        self._where: dict[UUID, str | None] = {}  # tenant id -> URL, None for home
        self._databases: dict[str, PostgresDatabase] = {}
        self._lock = asyncio.Lock()
        self._listening: asyncio.Task[None] | None = None

    async def listen(self) -> None:
        """Hear :data:`PLACEMENT_CHANNEL` on a connection of its own until :meth:`stop`."""
        connected: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._listening = asyncio.create_task(self._listen(connected), name="nexus-placement")
        await connected

    async def _listen(self, connected: asyncio.Future[None]) -> None:
        while True:
            try:
                conn = await asyncpg.connect(self._home.url)
            except (OSError, asyncpg.PostgresError) as exc:
                if not connected.done():
                    connected.set_exception(exc)
                    return
                await asyncio.sleep(1)  # the home database is down: try again each second
                continue
            lost = _termination(conn)
            try:
                await conn.add_listener(PLACEMENT_CHANNEL, self._heard)
                # A change may have been missed while no connection listened.
                self.forget()
                if not connected.done():
                    connected.set_result(None)
                await lost
                log.warning("placement LISTEN connection lost; reconnecting")
            finally:
                with contextlib.suppress(Exception):
                    await conn.close(timeout=1)

    def _heard(self, conn: object, pid: int, channel: str, payload: object) -> None:
        try:
            self.forget(UUID(str(payload)) if payload else None)
        except ValueError:
            self.forget()

    async def database_for(self, tenant_id: UUID) -> PostgresDatabase:
        """The database holding ``tenant_id``'s rows (home for shared and unknown tenants)."""
        if tenant_id in self._where:
            url = self._where[tenant_id]
        else:
            async with self._home.pool.acquire() as conn:
                row = await conn.fetchrow(_WHERE, tenant_id)
            url = tenant_database_url(row["url"], row["database"]) if row and row["url"] else None
            # An unknown tenant is not cached: it may be placed the moment it is created.
            if row is not None:
                self._where[tenant_id] = url
        if url is None:
            return self._home
        return await self._database(url)

    async def is_home(self, tenant_id: UUID) -> bool:
        """Whether ``tenant_id``'s rows live in the home database."""
        return await self.database_for(tenant_id) is self._home

    def forget(self, tenant_id: UUID | None = None) -> None:
        """Look ``tenant_id`` (every tenant when ``None``) up again on its next transaction."""
        if tenant_id is None:
            self._where.clear()
        else:
            self._where.pop(tenant_id, None)

    async def release(self, tenant_id: UUID) -> None:
        """Forget ``tenant_id`` and close its database's pool here (it is about to be dropped).

        Only for a database of one tenant (a dedicated one): its pool serves no one else.
        """
        url = self._where.pop(tenant_id, None)
        database = self._databases.pop(url, None) if url else None
        if database is not None:
            await database.stop()

    def opened(self) -> list[PostgresDatabase]:
        """The databases besides home whose pools are open in this process."""
        return list(self._databases.values())

    async def stop(self) -> None:
        """Stop listening and close every pool this directory opened."""
        if self._listening is not None:
            self._listening.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listening
            self._listening = None
        databases, self._databases = list(self._databases.values()), {}
        for database in databases:
            await database.stop()

    async def _database(self, url: str) -> PostgresDatabase:
        found = self._databases.get(url)
        if found is not None:
            return found
        async with self._lock:  # one pool per database, however many tenants ask at once
            found = self._databases.get(url)
            if found is None:
                found = self._open_database(url)
                await found.start()
                self._databases[url] = found
        return found
