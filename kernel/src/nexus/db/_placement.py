"""Placement: which database holds a tenant's rows, and one pool per database, chosen per tenant.

Shared tenants live in the home database (the one the kernel starts with); a tenant placed
on a cluster of the directory (``nexus_cluster``) lives in its own database there. A tenant
is looked up once per process and cached: its database changes only when an operator moves
it, and whatever moves it calls :meth:`Placements.forget` in every process it concerns.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING
from urllib.parse import urlsplit, urlunsplit

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from nexus.db._database import PostgresDatabase

__all__ = ("Placements", "tenant_database_url")

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
        """Close every pool this directory opened."""
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
