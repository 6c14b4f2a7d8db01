"""Consumers: who handles which events, and delivery through the inbox."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from nexus.events._envelope import CloudEvent, decode_event, encode_event
from nexus.events._publisher import OutboxPublisher
from nexus.plugins import await_maybe

if TYPE_CHECKING:
    import asyncpg
    from nexus_hookspecs import BlobStore, Services, Tools

    from nexus.db import PostgresDatabase
    from nexus.features import SettingsReader, Toggles
    from nexus.plugins import PluginRegistry

__all__ = ("Consumer", "Delivery", "Handler", "HandlerContext", "collect_consumers")

log = structlog.get_logger("nexus.events")

Handler = Callable[[CloudEvent, "asyncpg.Connection"], Awaitable[None]]
"""A consumer's handler: the event and the connection of the transaction its effect joins."""

ServicesFor = Callable[..., "Services"]
"""Gives the ``services`` port of a tenant for a calling plugin: ``(tenant_id, caller=…)``."""

BlobsFor = Callable[[UUID], "BlobStore"]
"""Gives the files store of a tenant (``BlobRuntime.for_tenant``)."""

ToolsFor = Callable[[UUID, str], Awaitable["Tools"]]
"""Gives the assistant tools of ``(tenant_id, actor)``, checked as that user stands now."""

# Only for a tenant that is still there: events of a deprovisioned tenant (still on a Kafka
# topic, or read just before deprovisioning) are skipped, so no row of it comes back. The
# key-share lock makes deprovisioning (which locks the tenant row) wait for this delivery.
_INBOX = (
    "insert into nexus_event_inbox (tenant_id, consumer, event_id) select $1, $2, $3 "
    "where exists (select from nexus_tenant where id = $1 and status <> 'deprovisioned' "
    "for key share) on conflict do nothing returning true"
)
# The same for a run of one tenant's events at once: the ids it returns are the fresh ones.
_INBOX_MANY = (
    "insert into nexus_event_inbox (tenant_id, consumer, event_id) select $1, $2, e "
    "from unnest($3::uuid[]) as e where exists (select from nexus_tenant where id = $1 "
    "and status <> 'deprovisioned' for key share) on conflict do nothing returning event_id"
)
_DEAD_LETTER = (
    "insert into nexus_event_dead_letter (tenant_id, consumer, event_id, type, envelope, "
    "error, attempts) values ($1, $2, $3, $4, $5, $6, $7) on conflict (tenant_id, consumer, "
    "event_id) do update set error = excluded.error, attempts = "
    "nexus_event_dead_letter.attempts + excluded.attempts, failed_at = now()"
)


@dataclass(slots=True)
class Consumer:
    """One consumer group: a name, the handlers per event type, the plugin it belongs to.

    Attributes:
        name: The group name (its offset, its inbox scope): a plugin name, ``audit`` or
            ``analytics``.
        handlers: Handlers per event type; ``"*"`` receives every type.
        plugin: The plugin whose toggle gates delivery (``None`` for kernel consumers).
    """

    name: str
    handlers: dict[str, list[Handler]] = field(default_factory=dict)
    plugin: str | None = None

    def handlers_for(self, event_type: str) -> list[Handler]:
        """The handlers of ``event_type``."""
        return [*self.handlers.get("*", ()), *self.handlers.get(event_type, ())]


class HandlerContext:
    """The :class:`nexus_hookspecs.EventContext` a two-parameter plugin handler gets."""

    __slots__ = (
        "_blobs_for",
        "_reader",
        "_services",
        "_services_for",
        "_toggles",
        "_tools_for",
        "conn",
        "events",
        "plugin",
        "tenant_id",
    )

    def __init__(
        self,
        *,
        tenant_id: UUID,
        conn: asyncpg.Connection,
        plugin: str,
        declared: frozenset[str],
        toggles: Toggles | None,
        reader: SettingsReader | None,
        services: ServicesFor | None = None,
        blobs: BlobsFor | None = None,
        tools: ToolsFor | None = None,
    ) -> None:
        self.tenant_id = tenant_id
        self.conn = conn
        self.plugin = plugin
        self.events = OutboxPublisher(tenant_id=tenant_id, plugin=plugin, declared=declared)
        self._toggles = toggles
        self._reader = reader
        self._services_for = services
        self._services: Services | None = None
        self._blobs_for = blobs
        self._tools_for = tools

    @property
    def blobs(self) -> BlobStore:
        """The event's tenant's files store."""
        if self._blobs_for is None:
            raise RuntimeError("this delivery has no files store")
        return self._blobs_for(self.tenant_id)

    @property
    def services(self) -> Services:
        """Other plugins' services, called in the delivery's transaction."""
        if self._services is None:
            if self._services_for is None:
                raise RuntimeError("this delivery has no services to call")
            self._services = self._services_for(self.tenant_id, caller=self.plugin)
        return self._services

    async def tools_for(self, actor: str) -> Tools:
        """The assistant tools of user ``actor`` (``user:<id>``) in the event's tenant.

        Each tool runs in a transaction of its own (not the delivery's), as that user.

        Raises:
            LookupError: ``actor`` is not a user of the tenant who may act now.
        """
        if self._tools_for is None:
            raise RuntimeError("this delivery has no assistant tools to give")
        return await self._tools_for(self.tenant_id, actor)

    async def feature_enabled(self, key: str) -> bool:
        """Whether ``key`` is on for the event's tenant."""
        if self._toggles is None:
            raise RuntimeError("this delivery has no feature toggles to ask")
        return await self._toggles.is_enabled(self.tenant_id, key)

    async def settings(self) -> Any:
        """The handling plugin's settings for the event's tenant.

        From this process's snapshot when it holds the tenant, else read on the delivery's
        own connection: never a second transaction.
        """
        if self._reader is None:
            raise RuntimeError("this delivery has no plugin settings to read")
        held = self._toggles.cached(self.tenant_id) if self._toggles is not None else None
        if held is not None and self.plugin in held.seeded:
            return self._reader.held(held, self.plugin)
        return await self._reader.read(self.conn, self.tenant_id, self.plugin)


def _takes_context(handler: Callable[..., Any]) -> bool:
    try:
        parameters = inspect.signature(handler).parameters.values()
    except (TypeError, ValueError):  # a builtin or C callable: call it with the event only
        return False
    positional = [p for p in parameters if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return len(positional) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in parameters)


def _plugin_handler(
    handler: Callable[..., Any],
    *,
    plugin: str,
    declared: frozenset[str],
    toggles: Toggles | None,
    reader: SettingsReader | None,
    services: ServicesFor | None,
    blobs: BlobsFor | None,
    tools: ToolsFor | None = None,
) -> Handler:
    # Piccolo queries of the handler join the delivery transaction (its engine's current
    # transaction), so the effect and the inbox row commit together.
    if not _takes_context(handler):

        async def call(event: CloudEvent, conn: asyncpg.Connection) -> None:
            await await_maybe(handler(event))

        return call

    async def call_with_context(event: CloudEvent, conn: asyncpg.Connection) -> None:
        context = HandlerContext(
            tenant_id=UUID(event.tenantid),
            conn=conn,
            plugin=plugin,
            declared=declared,
            toggles=toggles,
            reader=reader,
            services=services,
            blobs=blobs,
            tools=tools,
        )
        await await_maybe(handler(event, context))

    return call_with_context


def collect_consumers(
    registry: PluginRegistry,
    kernel: list[Consumer],
    *,
    toggles: Toggles | None = None,
    reader: SettingsReader | None = None,
    services: ServicesFor | None = None,
    blobs: BlobsFor | None = None,
    tools: ToolsFor | None = None,
) -> list[Consumer]:
    """The kernel's consumers and one per plugin implementing ``nexus_event_handlers``.

    A plugin handler taking two parameters also gets a :class:`HandlerContext` (its
    ``feature_enabled`` needs ``toggles``, its ``settings`` needs ``reader``, its
    ``services`` needs ``services``, its ``blobs`` needs ``blobs``, its ``tools_for``
    needs ``tools``).
    """
    consumers = list(kernel)
    for record in registry.loaded:
        consumer = Consumer(name=record.name, plugin=record.name)
        declared = frozenset(record.manifest.event_names()) if record.manifest else frozenset()

        def register(
            event_type: str,
            handler: Any,
            consumer: Consumer = consumer,
            declared: frozenset[str] = declared,
        ) -> None:
            wrapped = _plugin_handler(
                handler,
                plugin=consumer.name,
                declared=declared,
                toggles=toggles,
                reader=reader,
                services=services,
                blobs=blobs,
                tools=tools,
            )
            consumer.handlers.setdefault(event_type, []).append(wrapped)

        registry.call(record.name, "nexus_event_handlers", register=register)
        if consumer.handlers:
            consumers.append(consumer)
    return consumers


class Delivery:
    """Hands events to consumers: at least once in, exactly once in effect.

    Events are handled in transactions bound to their tenant: the inbox rows (``consumer``,
    event id) and the handlers' effects commit together, so a redelivered event is
    recognised and skipped, as is an event of a tenant that is no more. A batch
    (:meth:`deliver_many`) handles each tenant's events in log order in one transaction,
    the tenants concurrently; a failing handler sends its tenant's run back to one event
    per transaction up to the failing event, which is retried with backoff and, after
    ``attempts`` tries, parked in the dead-letter table while the consumer moves on.

    Args:
        database: The API role's database (row-level security applies).
        toggles: Whose answers gate plugin consumers per tenant.
        attempts: Tries of a failing event before it is parked.
        backoff_s: The first retry's delay, doubled each try.
        concurrency: Tenants of one batch handled at once.
    """

    def __init__(
        self,
        database: PostgresDatabase,
        toggles: Toggles,
        *,
        attempts: int = 5,
        backoff_s: float = 0.05,
        concurrency: int = 4,
    ) -> None:
        self.database = database
        self.toggles = toggles
        self.attempts = attempts
        self.backoff_s = backoff_s
        self.concurrency = concurrency
        self._observers: list[Callable[[str, CloudEvent, bool], None]] = []
        self._passed_over: list[Callable[[str, CloudEvent], None]] = []

    def observe(self, callback: Callable[[str, CloudEvent, bool], None]) -> None:
        """Call ``callback(consumer, event, fresh)`` after each handled or skipped delivery.

        ``fresh`` is false for a redelivery the inbox recognised, and for an event of a tenant
        that is no more. For tests and benchmarks.
        """
        self._observers.append(callback)

    def observe_passed_over(self, callback: Callable[[str, CloudEvent], None]) -> None:
        """Call ``callback(consumer, event)`` for each event a switched-off plugin is not given.

        The plugin is switched off for the event's tenant. For tests.
        """
        self._passed_over.append(callback)

    def _pass_over(self, consumer: Consumer, events: Sequence[CloudEvent]) -> None:
        for event in events:
            for callback in self._passed_over:
                callback(consumer.name, event)

    async def deliver_many(self, consumer: Consumer, events: Sequence[CloudEvent]) -> None:
        """Handle a batch read from the log: per tenant in log order, tenants concurrently.

        Each tenant's events share one transaction (their inbox rows in one statement);
        order is kept per tenant, which keeps it per (tenant, subject).
        """
        runs: dict[str, list[CloudEvent]] = {}
        for event in events:
            if consumer.handlers_for(event.type):
                runs.setdefault(event.tenantid, []).append(event)
        if len(runs) <= 1:
            for tenant, run in runs.items():
                await self._deliver_run(consumer, UUID(tenant), run)
            return
        limit = asyncio.Semaphore(self.concurrency)

        async def bounded(tenant: str, run: list[CloudEvent]) -> None:
            async with limit:
                await self._deliver_run(consumer, UUID(tenant), run)

        async with asyncio.TaskGroup() as group:
            for tenant, run in runs.items():
                group.create_task(bounded(tenant, run))

    async def _deliver_run(
        self, consumer: Consumer, tenant_id: UUID, events: list[CloudEvent]
    ) -> None:
        if not await self._admitted(consumer, tenant_id):
            self._pass_over(consumer, events)
            return
        while events:
            failed = await self._handle_run(consumer, tenant_id, events)
            if failed is None:
                return
            # Nothing of the run committed: one event per transaction up to the failing one
            # (retried, then parked), then the rest of the run together again.
            for event in events[: failed + 1]:
                await self._deliver_one(consumer, event, consumer.handlers_for(event.type))
            events = events[failed + 1 :]

    async def _handle_run(
        self, consumer: Consumer, tenant_id: UUID, events: list[CloudEvent]
    ) -> int | None:
        """Handle ``events`` in one transaction; the index of a failing one rolls it back."""
        index = 0
        try:
            async with self.database.transaction(tenant_id=tenant_id) as conn:
                ids = [UUID(event.id) for event in events]
                rows = await conn.fetch(_INBOX_MANY, tenant_id, consumer.name, ids)
                fresh = {row["event_id"] for row in rows}
                handled = []
                for index, event in enumerate(events):  # noqa: B007 - read on failure
                    first = ids[index] in fresh
                    if first:
                        fresh.discard(ids[index])  # the same event twice in a batch: once
                        for handler in consumer.handlers_for(event.type):
                            await handler(event, conn)
                    handled.append(first)
        except Exception as exc:  # noqa: BLE001 - the run falls back to one event at a time
            log.warning(
                "event handler failed in a batch",
                consumer=consumer.name,
                event_id=events[index].id,
                type=events[index].type,
                error=repr(exc),
            )
            return index
        for event, first in zip(events, handled, strict=True):
            for observer in self._observers:
                observer(consumer.name, event, first)
        return None

    async def _admitted(self, consumer: Consumer, tenant_id: UUID) -> bool:
        """Whether the consumer's plugin is on for the tenant (its enable hook run first)."""
        plugin = consumer.plugin
        if plugin is None:
            return True
        toggles = self.toggles
        held = toggles.cached(tenant_id) or await toggles.features(tenant_id)
        if plugin not in held.enabled:
            return False  # a disabled plugin's handlers are not called for that tenant's events
        if plugin not in held.seeded:  # once per (tenant, plugin): its enable hook first
            await toggles.ensure_enabled(tenant_id, plugin)
        return True

    async def deliver(self, consumer: Consumer, event: CloudEvent) -> None:
        """Handle ``event`` for ``consumer`` (retrying, then dead-lettering on failure)."""
        handlers = consumer.handlers_for(event.type)
        if not handlers:
            return
        if not await self._admitted(consumer, UUID(event.tenantid)):
            self._pass_over(consumer, [event])
            return
        await self._deliver_one(consumer, event, handlers)

    async def _deliver_one(
        self, consumer: Consumer, event: CloudEvent, handlers: list[Handler]
    ) -> None:
        error: BaseException | None = None
        for attempt in range(self.attempts):
            try:
                await self.handle(consumer, event, handlers)
                return
            except Exception as exc:  # noqa: BLE001 - any handler failure means "retry"
                error = exc
                log.warning(
                    "event handler failed",
                    consumer=consumer.name,
                    event_id=event.id,
                    type=event.type,
                    attempt=attempt + 1,
                    error=repr(exc),
                )
                if attempt + 1 < self.attempts:
                    await asyncio.sleep(self.backoff_s * 2**attempt)
        await self.park(consumer, event, repr(error), self.attempts)

    async def handle(
        self, consumer: Consumer, event: CloudEvent, handlers: list[Handler] | None = None
    ) -> bool:
        """Run the handlers once, with the inbox; return whether they ran (not a duplicate)."""
        tenant_id = UUID(event.tenantid)
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            fresh = await conn.fetchval(_INBOX, tenant_id, consumer.name, UUID(event.id))
            if fresh:
                for handler in (
                    handlers if handlers is not None else consumer.handlers_for(event.type)
                ):
                    await handler(event, conn)
        for observer in self._observers:
            observer(consumer.name, event, bool(fresh))
        return bool(fresh)

    async def park(self, consumer: Consumer, event: CloudEvent, error: str, attempts: int) -> None:
        """Keep ``event`` in the dead-letter table for ``nexus events redrive``."""
        tenant_id = UUID(event.tenantid)
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            await conn.execute(
                _DEAD_LETTER,
                tenant_id,
                consumer.name,
                UUID(event.id),
                event.type,
                encode_event(event),
                error,
                attempts,
            )
        log.error("event parked", consumer=consumer.name, event_id=event.id, error=error)


def decode_row(row: Any) -> CloudEvent:
    """Decode the ``envelope`` column of an outbox or dead-letter row."""
    return decode_event(bytes(row["envelope"]))
