"""Ports: the kernel services a plugin may use, as protocols.

Plugins depend on these protocols only; the kernel injects its adapters (PostgreSQL, Redis,
Kafka, S3 or the embedded defaults) into route handlers by parameter name:
``db``, ``events``, ``cache``, ``blobs``, ``plugin_settings``, ``services`` and ``context``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Awaitable, Callable, Mapping, Sequence
    from contextlib import AbstractAsyncContextManager
    from uuid import UUID

    from nexus_hookspecs._events import EventType
    from nexus_hookspecs._types import ToolAnswer, ToolSpec

__all__ = (
    "Background",
    "BlobInfo",
    "BlobStore",
    "BlobTooLargeError",
    "Cache",
    "Connection",
    "Database",
    "EventPublisher",
    "PluginSettings",
    "RequestContext",
    "ServiceContext",
    "Services",
)

T = TypeVar("T")


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
        type: str | EventType,
        data: Any,
        subject: str | None = None,
    ) -> str:
        """Write an event into the outbox on ``conn``'s transaction; return the event id.

        ``type`` is a declared event type: its name, or its :class:`EventType`. ``data`` is
        any value msgspec encodes, preferably the type's payload Struct.
        """
        ...


@runtime_checkable
class Cache(Protocol):
    """A tenant-scoped cache; keys are prefixed with the tenant id by the kernel.

    Read through :meth:`get_or_load` (cache-aside with single-flight); after a write
    commits, call :meth:`invalidate` or :meth:`invalidate_tags`, which reach every process.

    Example::

        async def load() -> bytes | None:
            async with db.transaction() as conn:
                row = await conn.fetchrow("select * from crm_contact where id = $1", id)
            return msgspec.json.encode(dict(row)) if row else None

        raw = await cache.get_or_load(f"contact:{id}", load, ttl=60, tags=("contacts",))
    """

    async def get(self, key: str) -> bytes | None:
        """Return the cached value or ``None``."""
        ...

    async def set(
        self, key: str, value: bytes, *, ttl: float | None = None, tags: Sequence[str] = ()
    ) -> None:
        """Store ``value`` for ``ttl`` seconds (the kernel's default when ``None``).

        ``tags`` name groups the entry belongs to, for :meth:`invalidate_tags`.
        """
        ...

    async def get_or_load(
        self,
        key: str,
        loader: Callable[[], Awaitable[bytes | None]],
        *,
        ttl: float | None = None,
        tags: Sequence[str] = (),
    ) -> bytes | None:
        """Return the cached value, or call ``loader`` once and cache what it returns.

        Concurrent misses for ``key`` in a process share one call of ``loader``. A value
        loaded while the key (or one of ``tags``) was invalidated is returned but not kept.
        ``None`` from the loader is returned and not cached.
        """
        ...

    async def delete(self, key: str) -> None:
        """Forget ``key`` (the same as ``invalidate(key)``)."""
        ...

    async def invalidate(self, *keys: str) -> None:
        """Forget ``keys`` in every process; call it after the write commits."""
        ...

    async def invalidate_tags(self, *tags: str) -> None:
        """Forget every entry stored with one of ``tags``, in every process."""
        ...


@runtime_checkable
class BlobInfo(Protocol):
    """What the store knows about an object."""

    @property
    def key(self) -> str:
        """The object key, without the tenant prefix."""
        ...

    @property
    def size(self) -> int:
        """The size in bytes."""
        ...

    @property
    def content_type(self) -> str:
        """The media type given when it was stored."""
        ...


class BlobTooLargeError(ValueError):
    """An object is larger than the kernel accepts (``NEXUS_BLOB_MAX_BYTES``).

    Attributes:
        limit: The largest size accepted, in bytes.
    """

    def __init__(self, limit: int) -> None:
        super().__init__(f"the object is larger than {limit} bytes")
        self.limit = limit


@runtime_checkable
class BlobStore(Protocol):
    """A tenant-scoped file store; object keys are prefixed with the tenant id by the kernel.

    Keys are ``/``-separated paths (``invoices/2026/0001.pdf``) without empty, ``.`` or
    ``..`` segments; an invalid key raises ``ValueError``.

    Example::

        info = await blobs.put("avatars/ada.png", request.stream(), content_type="image/png")
        url = await blobs.url("avatars/ada.png", expires_in=300)
    """

    async def put(
        self, key: str, data: bytes | AsyncIterable[bytes], *, content_type: str
    ) -> BlobInfo:
        """Store ``data`` (bytes, or chunks streamed as they come) under ``key``.

        Raises:
            BlobTooLargeError: The data exceeds the size limit; nothing is stored.
            ValueError: The key or the content type is invalid.
        """
        ...

    async def get(self, key: str) -> bytes:
        """Return the object's bytes; raise ``KeyError`` when it does not exist."""
        ...

    def stream(self, key: str) -> AsyncIterator[bytes]:
        """Yield the object's bytes in chunks; raise ``KeyError`` when it does not exist."""
        ...

    async def stat(self, key: str) -> BlobInfo:
        """Return the object's size and content type; raise ``KeyError`` when missing."""
        ...

    async def delete(self, key: str) -> None:
        """Delete the object (no error when it does not exist)."""
        ...

    def list(self, prefix: str = "") -> AsyncIterator[str]:
        """Yield the keys under ``prefix``."""
        ...

    async def url(self, key: str, *, expires_in: int = 900) -> str:
        """Return a URL that downloads the object without credentials until it expires.

        Anyone holding the URL can read the object for ``expires_in`` seconds.
        """
        ...


@runtime_checkable
class PluginSettings(Protocol):
    """Per-tenant settings of the calling plugin, decoded into its settings Struct."""

    async def get(self, tenant_id: UUID) -> Any:
        """Return the tenant's settings for the plugin (preset values over defaults).

        The values are those the plugin was first enabled with for that tenant (its preset's
        settings, overlaid by the business profile's); a tenant that never enabled the
        plugin gets the Struct's defaults.
        """
        ...


@runtime_checkable
class Features(Protocol):
    """Feature toggles of the request's tenant, as the request path sees them."""

    async def enabled(self, key: str) -> bool:
        """Whether ``key`` (``<plugin>`` or ``<plugin>.<feature>``) is on for the tenant.

        Any plugin's keys may be asked, so a plugin can adapt to what else is switched on.
        """
        ...


@runtime_checkable
class EventContext(Protocol):
    """What an event handler taking two arguments gets besides the event.

    Example::

        async def on_deal_won(event, ctx: EventContext) -> None:
            if not await ctx.feature_enabled("finance.invoice_from_deal"):
                return
            await ctx.conn.execute("insert into finance_invoice ...")
            await ctx.events.publish(ctx.conn, type="finance.invoice.created.v1", data={...})
    """

    @property
    def tenant_id(self) -> UUID:
        """The tenant the event belongs to; row-level security is set to it."""
        ...

    @property
    def conn(self) -> Connection:
        """The delivery's transaction: the handler's effect commits with the inbox row."""
        ...

    @property
    def events(self) -> EventPublisher:
        """Publish follow-up events (the handling plugin's declared types) in that transaction."""
        ...

    @property
    def services(self) -> Services:
        """Call other plugins' services in that transaction (see :class:`Services`)."""
        ...

    @property
    def blobs(self) -> BlobStore:
        """The event's tenant's files store, as a request's ``blobs`` port (0.1.4).

        An object stored here is not part of the transaction: store it under a key the
        handler derives from the event (``finance/invoices/<id>.pdf``) so a redelivery
        overwrites it rather than leaving a second copy.
        """
        ...

    async def feature_enabled(self, key: str) -> bool:
        """Whether ``key`` is on for the event's tenant (see :meth:`Features.enabled`)."""
        ...

    async def tools_for(self, actor: str) -> Tools:
        """The assistant tools of user ``actor`` (``user:<id>``) in the event's tenant (0.1.8).

        What the ``tools`` port gives that user's request: the tools of the plugins on for
        the tenant whose permission the user holds now, each run as that user in a
        transaction of its own (not the delivery's), audited, a writing tool only with
        ``confirmed=True``. For a handler acting for the author of an event (the assistant
        answering a mention). Only an event handler's context has it.

        Raises:
            LookupError: ``actor`` is not a user of the tenant who may act now (disabled,
                gone, a bot, the tenant suspended).
        """
        ...

    async def settings(self) -> Any:
        """The handling plugin's settings for the event's tenant (see :class:`PluginSettings`)."""
        ...


@runtime_checkable
class Background(Protocol):
    """What a plugin's work outside requests and events runs on (a server, a poller).

    :func:`nexus_hookspecs.specs.nexus_background` hands one to each plugin, once per
    process. Each unit of work acts as one tenant, as a request or an event delivery does.

    Example::

        async def deliver(work: Background, slug: str, message: bytes) -> None:
            tenant_id = await work.tenant_id(slug)
            if tenant_id is None:
                return
            async with work.as_tenant(tenant_id) as ctx:
                await ctx.conn.execute("insert into mail_message (raw) values ($1)", message)
                await ctx.events.publish(ctx.conn, type="mail.message.received.v1", data={})
    """

    async def tenant_id(self, slug: str) -> UUID | None:
        """The id of the active tenant with this slug, or ``None``."""
        ...

    async def tenants(self) -> list[UUID]:
        """The active tenants that have this plugin switched on (for a periodic sweep)."""
        ...

    def as_tenant(self, tenant_id: UUID) -> AbstractAsyncContextManager[EventContext]:
        """One transaction acting as ``tenant_id``: committed on exit, rolled back on error.

        The context gives the connection (row-level security set to the tenant), the
        outbox (events commit with the transaction), services, the plugin's settings and
        the tenant's features, as an event handler's does.

        Raises:
            LookupError: (on entering) the tenant does not exist or is deprovisioned.
        """
        ...

    def blobs(self, tenant_id: UUID) -> BlobStore:
        """The files store of ``tenant_id`` (what a request's ``blobs`` port gives)."""
        ...

    def connection(self) -> AbstractAsyncContextManager[Connection]:
        """A transaction acting in no tenant: row-level security shows it no tenant's rows.

        For routing only: call a ``security definer`` function the plugin's migration
        created, which answers which tenant something belongs to (the tenant owning a mail
        domain) and never returns rows of data.
        """
        ...

    def listen(
        self, channel: str, on_message: Callable[[str], None]
    ) -> AbstractAsyncContextManager[None]:
        """Hear PostgreSQL ``NOTIFY`` on ``channel`` while the context is open.

        Every process's plugin hears what any process's transaction NOTIFYs on the channel
        (``select pg_notify('<channel>', payload)``, delivered when that transaction
        commits), over a connection of its own that no transaction holds. ``on_message``
        gets each payload, in the event loop; it must not block. Entering raises what
        connecting raises; a connection lost later is made again (what was NOTIFYed in
        between is not heard).

        Example::

            async with work.listen("nexus_bookings", lambda payload: seen.append(payload)):
                await stopping.wait()
        """
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


@runtime_checkable
class Services(Protocol):
    """Calls the operations other plugins offer (:class:`~nexus_hookspecs.Service`), by name.

    A call runs in the caller's transaction, so the provider's writes and events commit or
    roll back with the caller's: one unit of work. Data travels as plain values: the caller
    sends a dict or any Struct, and mirrors the answer's fields it needs in a Struct of its
    own; the plugins never import each other.

    Example::

        class Reserved(msgspec.Struct):
            reserved: int

        async with db.transaction() as conn:
            answer = await services.call(
                conn, "stock.reserve", {"origin": "SO-1", "quantity": 2}, result=Reserved
            )
    """

    async def available(self, conn: Connection, name: str) -> bool:
        """Installed, and its provider enabled for the connection's tenant."""
        ...

    async def call(self, conn: Connection, name: str, data: Any, *, result: type[T]) -> T:
        """Run ``name`` in ``conn``'s transaction and return its answer as ``result``.

        ``data`` is a dict or any Struct (sent as its builtins, converted strictly to the
        provider's request type); the answer is converted to ``result`` (the caller's own
        Struct mirroring the fields it needs, a list of them, or ``None``).

        Raises:
            ServiceUnavailable: An HTTP 409 problem naming the plugin
                (``blocking=["<plugin>"]``): the provider is not installed or not enabled
                for the tenant.
            TypeError: ``data`` does not convert to the request type, or the answer to
                ``result`` (a programming error, named with the service and the field).

        The provider's own problems (404, 409, 422 from the HTTP kit) propagate as they are.
        """
        ...


@runtime_checkable
class ServiceContext(Protocol):
    """What a service's handler gets besides its request: the caller's transaction.

    Example::

        async def reserve(data: Reserve, ctx: ServiceContext) -> Reserved:
            settings: StockSettings = await ctx.settings()
            await ctx.conn.execute("insert into stock_hold (origin, qty) values ($1, $2)",
                                   data.origin, data.quantity)
            await ctx.events.publish(ctx.conn, type="stock.reserved.v1", data={...})
            return Reserved(reserved=data.quantity)
    """

    @property
    def tenant_id(self) -> UUID:
        """The caller's tenant; row-level security is set to it."""
        ...

    @property
    def conn(self) -> Connection:
        """The caller's transaction: the provider's writes commit or roll back with it."""
        ...

    @property
    def events(self) -> EventPublisher:
        """Publish the providing plugin's declared events in that transaction."""
        ...

    @property
    def services(self) -> Services:
        """Call further services in that transaction."""
        ...

    async def feature_enabled(self, key: str) -> bool:
        """Whether ``key`` is on for the tenant (see :meth:`Features.enabled`)."""
        ...

    async def settings(self) -> Any:
        """The providing plugin's settings for the tenant (see :class:`PluginSettings`)."""
        ...

    @property
    def actor(self) -> str | None:
        """Who the call acts for, as the audit log names it (``user:<id>``) (0.1.7).

        An assistant tool's handler gets the user the assistant or the MCP host acts for, a
        service called from a route the request's caller, and so do the services they call
        in turn; ``None`` where the kernel knows no one (a call from an event handler).
        """
        ...


@runtime_checkable
class Tools(Protocol):
    """The assistant tools (``nexus_ai_tools``) the request's caller may use (0.1.5).

    Injected as ``tools`` like ``services``: bound to the request's principal, it lists what
    that caller may call now (plugin enabled for the tenant, permission held) and runs a
    tool as that caller, in a transaction of its own in the tenant, audited
    (``ai.tool.called``). A writing tool runs only with ``confirmed=True``.

    Example::

        specs = await tools.list()
        answer = await tools.call("crm.contacts.search", {"query": "Ada"})
        if answer.confirmation_required:
            ...  # ask the user, then call again with confirmed=True
    """

    async def list(self) -> list[ToolSpec]:
        """The tools the caller may call now, by name."""
        ...

    async def call(self, name: str, arguments: Any, *, confirmed: bool = False) -> ToolAnswer:
        """Run ``name`` with ``arguments`` (a dict) as the caller; never raises for a refusal."""
        ...
