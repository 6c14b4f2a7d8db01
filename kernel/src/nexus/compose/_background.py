"""The ``Background`` port: a plugin's work outside requests and events, acting as a tenant."""

from __future__ import annotations

import asyncio
import contextlib
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any, cast

import asyncpg
import structlog

from nexus.events import HandlerContext
from nexus.features import SettingsReader

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from uuid import UUID

    from nexus_hookspecs import BlobStore, Connection, EventContext

    from nexus.services import Kernel

__all__ = ("KernelBackground", "background_for")

log = structlog.get_logger("nexus.background")

_GONE = frozenset({"deprovisioned"})


class KernelBackground:
    """One plugin's :class:`nexus_hookspecs.Background`: each unit of work is one tenant's.

    Its transactions are the API role's, under row-level security, like a request's; what
    it publishes goes through the outbox and is the plugin's declared event types only.
    """

    __slots__ = ("_declared", "_kernel", "_plugin", "_reader")

    def __init__(self, kernel: Kernel, plugin: str, reader: SettingsReader) -> None:
        self._kernel = kernel
        self._plugin = plugin
        self._reader = reader
        record = kernel.registry.get(plugin)
        manifest = record.manifest if record is not None else None
        self._declared = frozenset(manifest.event_names()) if manifest else frozenset()

    async def tenant_id(self, slug: str) -> UUID | None:
        """The id of the active tenant with this slug, or ``None``."""
        tenant = await self._kernel.authenticator.tenant(slug)
        return tenant.id if tenant is not None and tenant.status == "active" else None

    async def tenants(self) -> list[UUID]:
        """The active tenants that have this plugin switched on."""
        async with self._kernel.database.pool.acquire() as conn:
            ids = await conn.fetch(
                "select id from nexus_tenant where status = 'active' order by id"
            )
        toggles = self._kernel.features.toggles
        return [row["id"] for row in ids if await toggles.is_enabled(row["id"], self._plugin)]

    @asynccontextmanager
    async def as_tenant(self, tenant_id: UUID) -> AsyncIterator[EventContext]:
        """One transaction as ``tenant_id``, with the plugin's view of the tenant."""
        tenant = await self._kernel.authenticator.tenant(str(tenant_id))
        if tenant is None or tenant.status in _GONE:
            raise LookupError(f"no tenant {tenant_id}")
        kernel = self._kernel
        async with kernel.database.transaction(tenant_id=tenant_id) as conn:
            context = HandlerContext(
                tenant_id=tenant_id,
                conn=conn,
                plugin=self._plugin,
                declared=self._declared,
                toggles=kernel.features.toggles,
                reader=self._reader,
                services=kernel.services.bound,
                blobs=kernel.blobs.for_tenant,
            )
            # An event handler's context, which the Background protocol promises.
            yield cast("EventContext", context)

    def blobs(self, tenant_id: UUID) -> BlobStore:
        """The files store of ``tenant_id``."""
        return self._kernel.blobs.for_tenant(tenant_id)

    @asynccontextmanager
    async def connection(self) -> AsyncIterator[Connection]:
        """A transaction in no tenant: row-level security shows it no tenant's rows."""
        async with self._kernel.database.transaction() as conn:
            yield conn

    @asynccontextmanager
    async def listen(self, channel: str, on_message: Callable[[str], None]) -> AsyncIterator[None]:
        """Hear NOTIFY on ``channel`` over a connection of its own, made again when lost."""
        url = self._kernel.database.url

        async def connected() -> tuple[Any, asyncio.Future[None]]:
            conn = await asyncpg.connect(url)
            lost: asyncio.Future[None] = asyncio.get_running_loop().create_future()

            def terminated(_: object) -> None:
                if not lost.done():
                    lost.set_result(None)

            conn.add_termination_listener(terminated)
            await conn.add_listener(channel, lambda *args: on_message(args[3]))
            return conn, lost

        async def hold(conn: Any, lost: asyncio.Future[None]) -> None:
            while True:
                try:
                    await lost
                finally:
                    with contextlib.suppress(Exception):
                        await conn.close(timeout=1)
                log.warning("listen connection lost", plugin=self._plugin, channel=channel)
                while True:
                    await asyncio.sleep(1)  # the database is down: try again each second
                    with contextlib.suppress(OSError, asyncpg.PostgresError):
                        conn, lost = await connected()
                        break

        conn, lost = await connected()
        task = asyncio.create_task(hold(conn, lost))
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def background_for(kernel: Kernel) -> Callable[[str], KernelBackground]:
    """What gives each plugin its ``Background`` port (one settings reader for all)."""
    reader = SettingsReader(kernel.registry)
    return lambda plugin: KernelBackground(kernel, plugin, reader)
