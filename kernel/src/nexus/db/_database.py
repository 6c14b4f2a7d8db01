"""The database adapter: a Piccolo engine on an asyncpg pool, one transaction per unit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit
from uuid import UUID

import asyncpg
from nexus_hookspecs import current_tenant
from piccolo.engine.postgres import PostgresEngine, PostgresTransaction

from nexus.db._placement import Placements
from nexus.observability import watch_pool

if TYPE_CHECKING:
    from contextvars import Token
    from types import TracebackType

__all__ = ("Engine", "PostgresDatabase", "TenantDatabase")

_SET_TENANT = "select set_config('nexus.tenant_id', $1, true)"
# The statements asyncpg's transactions send, which more statements may ride along with.
_BEGIN = "BEGIN;"
_COMMIT = "COMMIT;"


class Engine(PostgresEngine):
    """Piccolo's PostgreSQL engine, without its blocking version check at construction.

    Piccolo connects synchronously to read the server version whenever an engine is made;
    Nexus makes engines in the app factory and the CLI, where that would block (and slow
    start-up), and documents its minimum PostgreSQL version instead.
    """

    async def check_version(self) -> None:
        """Skip Piccolo's version probe."""


class _Connection(asyncpg.Connection):
    """asyncpg's connection, sending more statements in the round trip of BEGIN or COMMIT.

    asyncpg's transactions send ``BEGIN;`` and ``COMMIT;`` as simple queries, and a simple
    query may carry several statements. :meth:`ride` adds statements to the next one, so
    the tenant setting travels with ``BEGIN`` and the session reset with ``COMMIT``, while
    asyncpg still tracks the transaction (``conn.transaction()`` inside it makes a
    savepoint, as plugins expect).
    """

    __slots__ = ("_reset_done", "_riders")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._riders: dict[str, str] = {}
        self._reset_done = False

    def ride(self, command: str, statements: str) -> None:
        """Send ``statements`` with the next ``command`` (``BEGIN;`` or ``COMMIT;``)."""
        self._riders[command] = statements

    def unride(self, command: str) -> str | None:
        """Withdraw statements :meth:`ride` added and ``command`` did not carry; return them."""
        return self._riders.pop(command, None)

    def mark_reset(self) -> None:
        """Note that the session was just reset, so releasing it to the pool need not."""
        self._reset_done = True

    def take_reset(self) -> bool:
        """Tell whether :meth:`mark_reset` was called since the last call; clear the mark."""
        done, self._reset_done = self._reset_done, False
        return done

    async def execute(self, query: str, *args: Any, timeout: float | None = None) -> str:
        """Run ``query`` as asyncpg does, with any statements riding along with it."""
        if self._riders and not args:
            riders = self._riders.pop(query, None)
            if riders is not None:
                query = f"{query} {riders}"
        result: str = await super().execute(query, *args, timeout=timeout)
        return result


async def _reset_connection(conn: _Connection) -> None:
    """Reset a connection released to the pool, unless its last transaction did.

    asyncpg has already rolled back any open transaction and dropped listener callbacks;
    this sends asyncpg's own reset query (advisory locks, cursors, LISTEN, settings).
    """
    if conn.take_reset():
        return
    if query := conn.get_reset_query():
        await conn.execute(query)


class _Transaction(PostgresTransaction):
    """A Piccolo transaction bound to a tenant, in as few round trips as asyncpg allows.

    ``BEGIN`` carries ``set_config('nexus.tenant_id', …, true)``; a successful ``COMMIT``
    carries asyncpg's session reset (what the pool would otherwise send on release), so
    a transaction costs two round trips besides its own queries (it cost four, and the
    reset a fifth). The session is exactly as clean as before; only errors and manual
    commits take the slower way (separate ROLLBACK, reset on release). Nested inside
    another Piccolo transaction, it joins that one and switches its tenant, as before.
    """

    __slots__ = ("_conn", "_setting")

    def __init__(self, engine: Engine, setting: str) -> None:
        super().__init__(engine, allow_nested=True)
        self._setting = setting
        # Engines of placed databases share the home engine's context variable (so Piccolo
        # queries follow the transaction); one in another database is not joined but
        # stands alone, on its own database's connection.
        if self._parent is not None and self._parent.engine is not engine:
            self._parent = None

    async def __aenter__(self) -> PostgresTransaction:
        if self._parent is not None:
            await self._parent.connection.execute(_SET_TENANT, self._setting)
            return self._parent
        pool = self._pool()
        proxy = self.connection = await pool.acquire()
        # The pool's proxy forwards to its _Connection.
        conn = self._conn = cast("_Connection", proxy)
        try:
            self.transaction = proxy.transaction()
            # A UUID's text (or nothing) is safe to inline: a simple query takes no $1.
            conn.ride(_BEGIN, f"select set_config('nexus.tenant_id', '{self._setting}', true);")
            await self.transaction.start()
            if conn.unride(_BEGIN) is not None:  # asyncpg began differently: set it apart
                await conn.execute(_SET_TENANT, self._setting)
        except BaseException:
            conn.unride(_BEGIN)
            await pool.release(proxy)
            raise
        self.context = self.engine.current_transaction.set(self)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        if self._parent is not None:
            return exc is None
        conn = self._conn
        try:
            if exc is not None:
                if not self._rolled_back:
                    await self.transaction.rollback()
                    self._rolled_back = True
            elif not self._committed and not self._rolled_back:
                reset = conn.get_reset_query()
                if reset:
                    conn.ride(_COMMIT, reset)
                await self.transaction.commit()
                self._committed = True
                if reset and conn.unride(_COMMIT) is None:
                    conn.mark_reset()
        finally:
            conn.unride(_COMMIT)
            try:
                await self._pool().release(self.connection)
            finally:
                self.engine.current_transaction.reset(self.context)
        return exc is None

    def _pool(self) -> asyncpg.Pool:
        pool = self.engine.pool
        if pool is None:
            raise RuntimeError("the database pool is not open; call start() first")
        return pool


def _setting(tenant_id: UUID | None) -> str:
    """The value of ``nexus.tenant_id`` for ``tenant_id``: its canonical text, or empty."""
    if tenant_id is None:
        return ""
    return str(tenant_id if isinstance(tenant_id, UUID) else UUID(str(tenant_id)))


class _Unit:
    """``async with database.transaction(tenant_id=…) as conn``: the tenant's transaction."""

    __slots__ = ("_engine", "_placements", "_tenant_id", "_token", "_transaction")

    def __init__(
        self, engine: Engine, tenant_id: UUID | None, placements: Placements | None
    ) -> None:
        self._engine = engine
        self._tenant_id = tenant_id
        self._placements = placements
        self._transaction: _Transaction | None = None
        self._token: Token[UUID | None] | None = None

    async def __aenter__(self) -> Any:
        engine = self._engine
        if self._placements is not None and self._tenant_id is not None:
            engine = (await self._placements.database_for(self._tenant_id)).engine
        # Made on entering: whether it joins an outer transaction depends on that moment.
        self._transaction = _Transaction(engine, _setting(self._tenant_id))
        self._token = current_tenant.set(self._tenant_id)
        try:
            transaction = await self._transaction.__aenter__()
        except BaseException:
            current_tenant.reset(self._token)
            raise
        return transaction.connection

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> bool:
        try:
            if self._transaction is not None:
                await self._transaction.__aexit__(exc_type, exc, traceback)
        finally:
            if self._token is not None:
                current_tenant.reset(self._token)
        return False


class PostgresDatabase:
    """The :class:`nexus_hookspecs.Database` port on PostgreSQL.

    Every connection acts as ``role`` (the API role, which owns no table and cannot bypass
    row-level security) with a statement timeout. Piccolo queries inside
    :meth:`transaction` share its connection.

    With ``placed``, this is the home database of a directory of clusters: a tenant's
    transaction goes to the database that holds the tenant (:attr:`placements`), through
    a pool of that database opened on first use with this one's role and limits.
    """

    def __init__(
        self,
        url: str,
        *,
        role: str | None = None,
        statement_timeout_ms: int | None = None,
        pool_min: int = 1,
        pool_max: int = 10,
        placed: bool = False,
        pool_name: str | None = None,
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
        self._pool_name = pool_name or role or "default"
        self.placements = (
            Placements(self, lambda other: self._placed(other, role, statement_timeout_ms))
            if placed
            else None
        )

    def _placed(self, url: str, role: str | None, timeout_ms: int | None) -> PostgresDatabase:
        """The pool of another database holding some of this directory's tenants."""
        database = PostgresDatabase(
            url,
            role=role,
            statement_timeout_ms=timeout_ms,
            pool_min=self._pool_min,
            pool_max=self._pool_max,
            pool_name=f"{self._pool_name}@{urlsplit(url).path.lstrip('/')}",
        )
        # One context variable for every engine: Piccolo finds the open transaction
        # through the home engine its tables are bound to, whichever database it is in.
        database.engine.current_transaction = self.engine.current_transaction
        return database

    async def start(self) -> None:
        """Open the connection pool."""
        await self.engine.start_connection_pool(
            min_size=self._pool_min,
            max_size=self._pool_max,
            connection_class=_Connection,
            reset=_reset_connection,
        )
        watch_pool(self._pool_name, self.pool)
        if self.placements is not None:
            await self.placements.listen()

    async def stop(self) -> None:
        """Close the connection pool (and those of placed databases)."""
        if self.placements is not None:
            await self.placements.stop()
        if self.engine.pool is not None:
            await self.engine.close_connection_pool()

    @property
    def pool(self) -> asyncpg.Pool:
        """The asyncpg pool (open after :meth:`start`)."""
        if self.engine.pool is None:
            raise RuntimeError("the database pool is not open; call start() first")
        return self.engine.pool

    def transaction(self, *, tenant_id: UUID | None = None) -> Any:
        """Open a transaction; with ``tenant_id``, row-level security shows only its rows.

        Use it as ``async with database.transaction(tenant_id=…) as conn``. Piccolo queries
        inside share it; ``conn.transaction()`` inside makes a savepoint.
        """
        return _Unit(self.engine, tenant_id, self.placements)

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
