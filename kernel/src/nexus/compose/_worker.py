"""Everything a worker process needs for events, built from settings and started together.

Composition, not part of :mod:`nexus.events`: the worker consults the feature toggles and
plugin settings, while the features package records its own changes through the events
outbox — so the piece that joins them sits above both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.blobs import BlobRuntime
from nexus.compose._calls import ServiceCalls
from nexus.compose._tool_port import tools_for_actor
from nexus.compose._tools import ToolCalls
from nexus.db import RELAY_ROLE, PostgresDatabase, configure_piccolo
from nexus.events import (
    KERNEL_SOURCE,
    Bus,
    Consumer,
    Delivery,
    EventWorker,
    PlacedOutboxes,
    PostgresBus,
    analytics_consumer,
    audit_consumer,
    collect_consumers,
)
from nexus.features import FeatureRuntime, SettingsReader
from nexus.identity import Authenticator, employment_consumer
from nexus.plugins import piccolo_app_paths

if TYPE_CHECKING:
    from nexus.features import Toggles
    from nexus.plugins import PluginRegistry
    from nexus.settings import Settings

__all__ = ("EventRuntime", "make_bus")


def make_bus(settings: Settings, registry: PluginRegistry, relay_db: PostgresDatabase) -> Bus:
    """The configured adapter: Kafka with ``NEXUS_KAFKA_BOOTSTRAP``, else PostgreSQL."""
    if settings.kafka_bootstrap:
        from nexus.events import KafkaBus  # noqa: PLC0415 - aiokafka only with Kafka

        return KafkaBus(
            relay_db,
            bootstrap=settings.kafka_bootstrap,
            plugins=[KERNEL_SOURCE, *(record.name for record in registry.loaded)],
            idempotent=settings.kafka_idempotent,
            batch=settings.event_batch,
        )
    return PostgresBus(relay_db, batch=settings.event_batch)


class EventRuntime:
    """The databases, toggles, consumers, bus and worker of one process.

    Handlers' transactions run as the API role (row-level security bound to each event's
    tenant); the relay and the groups' offsets use the relay role.

    Example::

        async with EventRuntime(settings, registry, database_url=url) as runtime:
            ...  # the relay and consumers run until the block ends
    """

    def __init__(
        self,
        settings: Settings,
        registry: PluginRegistry,
        *,
        database_url: str,
        relay: bool = True,
        consumers: list[Consumer] | None = None,
        database: PostgresDatabase | None = None,
        toggles: Toggles | None = None,
        blobs: BlobRuntime | None = None,
    ) -> None:
        self.settings = settings
        self.registry = registry
        # Sharing a running app's database (and toggles) runs the worker inside that app's
        # process and event loop: Piccolo has one engine per process, so handlers' Piccolo
        # queries must go through the engine whose transactions the deliveries open.
        self._own_database = database is None
        self.database = database or PostgresDatabase(
            database_url, role=settings.db_api_role, pool_max=settings.db_pool_max, placed=True
        )
        self.relay_db = PostgresDatabase(database_url, role=RELAY_ROLE, pool_max=4)
        self.features = (
            None
            if toggles is not None
            else FeatureRuntime(settings=settings, registry=registry, database=self.database)
        )
        self.toggles = toggles or self.features.toggles  # type: ignore[union-attr]
        self.delivery = Delivery(self.database, self.toggles)
        self.services = ServiceCalls(registry, self.toggles)
        self.blobs = blobs or BlobRuntime(settings)
        # Handlers acting for a user (the assistant answering a mention) get that user's tools.
        self.tools = ToolCalls(self.services, self.database, registry.permissions("member"))
        self.authenticator = Authenticator(self.database, ttl_s=settings.auth_cache_ttl_s)
        self.consumers = (
            consumers
            if consumers is not None
            else collect_consumers(
                registry,
                [audit_consumer(), analytics_consumer(), employment_consumer()],
                toggles=self.toggles,
                reader=SettingsReader(registry),
                services=self.services.bound,
                blobs=self.blobs.for_tenant,
                tools=tools_for_actor(self.tools, self.authenticator),
            )
        )
        self.bus = make_bus(settings, registry, self.relay_db)
        self.worker = EventWorker(
            self.bus,
            self.consumers,
            self.delivery,
            database_url=database_url,
            role=RELAY_ROLE,
            relay=relay,
            placed=PlacedOutboxes(self.relay_db, batch=settings.event_batch),
        )

    async def start(self) -> None:
        """Open the pools, go live on toggle changes, start the relay and consumers."""
        if self._own_database:
            await self.database.start()
            configure_piccolo(self.database.engine, piccolo_app_paths(self.registry))
        await self.relay_db.start()
        if self.features is not None:
            await self.features.start()
        await self.worker.start()

    async def stop(self) -> None:
        """Stop everything started."""
        await self.worker.stop()
        if self.features is not None:
            await self.features.stop()
        await self.relay_db.stop()
        if self._own_database:
            await self.database.stop()

    async def __aenter__(self) -> EventRuntime:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()
