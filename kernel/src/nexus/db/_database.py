"""The database adapter: a Piccolo engine on an asyncpg pool, one transaction per unit."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import current_tenant
from piccolo.engine.postgres import PostgresEngine

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from uuid import UUID

    import asyncpg

__all__ = ("Engine", "PostgresDatabase", "TenantDatabase")

_SET_TENANT = "select set_config('nexus.tenant_id', $1, true)"


class Engine(PostgresEngine):
    """Piccolo's PostgreSQL engine, without its blocking version check at construction.

    Piccolo connects synchronously to read the server version whenever an engine is made;
    Nexus makes engines in the app factory and the CLI, where that would block (and slow
    start-up), and documents its minimum PostgreSQL version instead.
    """

    async def check_version(self) -> None:
        """Skip Piccolo's version probe."""


class PostgresDatabase:
    """The :class:`nexus_hookspecs.Database` port on PostgreSQL.

    Every connection acts as ``role`` (the API role, which owns no table and cannot bypass
    row-level security) with a statement timeout. Piccolo queries inside
    :meth:`transaction` share its connection.
    """

    def __init__(
        self,
        url: str,
        *,
        role: str | None = None,
        statement_timeout_ms: int | None = None,
        pool_min: int = 1,
        pool_max: int = 10,
    ) -> None:
        server_settings: dict[str, str] = {"application_name": "nexus"}
        if role:
            server_settings["role"] = role
        if statement_timeout_ms:
            server_settings["statement_timeout"] = str(statement_timeout_ms)
        self.url = url
        self.engine = Engine(
            config={"dsn": url, "server_settings": server_settings},
            extensions=(),
            log_queries=False,
        )
        self._pool_min = pool_min
        self._pool_max = pool_max

    async def start(self) -> None:
        """Open the connection pool."""
        await self.engine.start_connection_pool(min_size=self._pool_min, max_size=self._pool_max)

    async def stop(self) -> None:
        """Close the connection pool."""
        if self.engine.pool is not None:
            await self.engine.close_connection_pool()

    @property
    def pool(self) -> asyncpg.Pool:
        """The asyncpg pool (open after :meth:`start`)."""
        if self.engine.pool is None:
            raise RuntimeError("the database pool is not open; call start() first")
        return self.engine.pool

    @asynccontextmanager
    async def transaction(self, *, tenant_id: UUID | None = None) -> AsyncIterator[Any]:
        """Open a transaction; with ``tenant_id``, row-level security shows only its rows."""
        token = current_tenant.set(tenant_id)
        try:
            async with self.engine.transaction() as tx:
                conn = tx.connection
                await conn.execute(_SET_TENANT, "" if tenant_id is None else str(tenant_id))
                yield conn
        finally:
            current_tenant.reset(token)

    async def ping(self) -> None:
        """Run ``select 1``; raise if the database does not answer."""
        async with self.pool.acquire() as conn:
            await conn.fetchval("select 1")


class TenantDatabase:
    """The ``db`` port of one request: every transaction is bound to the request's tenant.

    A plugin cannot reach another tenant's rows through it: asking for a different tenant
    raises, and with no tenant in the request, row-level security shows no tenant rows.
    """

    __slots__ = ("_database", "_tenant_id")

    def __init__(self, database: PostgresDatabase, tenant_id: UUID | None) -> None:
        self._database = database
        self._tenant_id = tenant_id

    def transaction(self, *, tenant_id: UUID | None = None) -> Any:
        """Open a transaction as the request's tenant."""
        if tenant_id is not None and tenant_id != self._tenant_id:
            raise PermissionError("a request may only open transactions for its own tenant")
        return self._database.transaction(tenant_id=self._tenant_id)
