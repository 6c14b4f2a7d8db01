"""Ports: the kernel services a plugin may use, as protocols.

Plugins depend on these protocols only; the kernel injects its adapters (PostgreSQL, Redis,
Kafka, S3 or the embedded defaults) into route handlers by parameter name:
``db``, ``events``, ``cache``, ``blobs``, ``plugin_settings`` and ``context``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping, Sequence
    from contextlib import AbstractAsyncContextManager
    from uuid import UUID

__all__ = (
    "BlobStore",
    "Cache",
    "Connection",
    "Database",
    "EventPublisher",
    "PluginSettings",
    "RequestContext",
)


@runtime_checkable
class Connection(Protocol):
    """A database connection inside a transaction (a subset of ``asyncpg.Connection``)."""

    async def execute(self, query: str, *args: Any) -> str:
        """Run a statement and return its status tag."""
        ...

    async def fetch(self, query: str, *args: Any) -> Sequence[Mapping[str, Any]]:
        """Run a query and return every row."""
        ...

    async def fetchrow(self, query: str, *args: Any) -> Mapping[str, Any] | None:
        """Run a query and return the first row, or ``None``."""
        ...

    async def fetchval(self, query: str, *args: Any) -> Any:
        """Run a query and return the first column of the first row."""
        ...


@runtime_checkable
class Database(Protocol):
    """The database port: one transaction per unit of work.

    Example::

        async with db.transaction(tenant_id=context.tenant_id) as conn:
            await conn.execute("insert into crm_contact ...", ...)
    """

    def transaction(
        self, *, tenant_id: UUID | None = None
    ) -> AbstractAsyncContextManager[Connection]:
        """Open a transaction; with ``tenant_id`` set, row-level security shows only its rows.

        Piccolo queries run inside the block share the same connection and transaction.
        """
        ...


@runtime_checkable
class EventPublisher(Protocol):
    """Publishes CloudEvents through the transactional outbox."""

    async def publish(
        self,
        conn: Connection,
        *,
        type: str,
        data: Any,
        subject: str | None = None,
    ) -> str:
        """Write an event into the outbox on ``conn``'s transaction; return the event id."""
        ...


@runtime_checkable
class Cache(Protocol):
    """A tenant-scoped cache; keys are prefixed with the tenant id by the kernel."""

    async def get(self, key: str) -> bytes | None:
        """Return the cached value or ``None``."""
        ...

    async def set(self, key: str, value: bytes, *, ttl: float | None = None) -> None:
        """Store ``value`` for ``ttl`` seconds (forever when ``None``)."""
        ...

    async def delete(self, key: str) -> None:
        """Forget ``key``."""
        ...


@runtime_checkable
class BlobStore(Protocol):
    """A tenant-scoped file store; object keys are prefixed with the tenant id by the kernel."""

    async def put(self, key: str, data: bytes, *, content_type: str) -> None:
        """Store ``data`` under ``key``."""
        ...

    async def get(self, key: str) -> bytes:
        """Return the object's bytes; raise ``KeyError`` when it does not exist."""
        ...

    async def delete(self, key: str) -> None:
        """Delete the object (no error when it does not exist)."""
        ...

    def list(self, prefix: str = "") -> AsyncIterator[str]:
        """Yield the keys under ``prefix``."""
        ...


@runtime_checkable
class PluginSettings(Protocol):
    """Per-tenant settings of the calling plugin, decoded into its settings Struct."""

    async def get(self, tenant_id: UUID) -> Any:
        """Return the tenant's settings for the plugin (preset values over defaults)."""
        ...


@runtime_checkable
class RequestContext(Protocol):
    """Who is calling, for which tenant, in which request."""

    @property
    def request_id(self) -> str:
        """The request id, also sent back in ``X-Request-ID``."""
        ...

    @property
    def tenant_id(self) -> UUID | None:
        """The tenant the request acts for, or ``None`` on platform routes."""
        ...

    @property
    def actor(self) -> str | None:
        """The authenticated principal (user or API key id), or ``None`` if anonymous."""
        ...

    @property
    def plugin(self) -> str | None:
        """The plugin whose route is serving the request, if any."""
        ...
