"""``nexus worker``: the relay and every consumer group of this process, kept running."""

from __future__ import annotations

import asyncio
import contextlib
import random
import threading
from typing import TYPE_CHECKING, Any, Protocol

import asyncpg
import structlog

from nexus.events._postgres import LOG_CHANNEL
from nexus.events._publisher import OUTBOX_CHANNEL
from nexus.observability import EventStateSampler

if TYPE_CHECKING:
    from nexus.events._consumers import Consumer, Delivery
    from nexus.events._placed import PlacedOutboxes

__all__ = ("Bus", "DependencyHealth", "EventWorker")

log = structlog.get_logger("nexus.events")

# Wake-ups come from NOTIFY; this bound only covers a notification lost with a dropped
# listening connection.
_IDLE_S = 1.0
# New placed databases (dedicated tenants provisioned) are looked for this often.
_PLACED_REFRESH_S = 2.0
# Retries after a failure wait 0.1 s, 0.2 s, 0.4 s... up to this, with jitter.
_MAX_BACKOFF_S = 5.0


def _backoff(failures: int) -> float:
    """How long to wait after ``failures`` failures in a row (exponential, with jitter)."""
    delay: float = min(0.1 * 2 ** min(failures, 16), _MAX_BACKOFF_S)
    return delay * random.uniform(0.5, 1.0)  # noqa: S311 - jitter, not a secret


class DependencyHealth:
    """Whether each dependency of the worker (the bus, the database) answers.

    Several tasks use one dependency (the relay, each consumer group): it is down while any
    of them fails with it. Every change of a dependency's state is logged once
    (``dependency down`` with the error, then ``dependency up``), not every failed retry;
    ``nexus worker``'s probe port reports :meth:`snapshot` on ``/readyz``. Safe to read from
    other threads (the probe server).

    Example::

        health.down("kafka", exc, by="relay")   # logged once
        health.down("kafka", exc, by="relay")   # not logged again
        health.up("kafka", by="relay")          # logged: kafka is back
    """

    def __init__(self, *dependencies: str) -> None:
        self._lock = threading.Lock()
        # Per dependency, the error of each task failing with it; None: not checked yet.
        self._failing: dict[str, dict[str, str] | None] = dict.fromkeys(dependencies)

    def up(self, name: str, *, by: str = "worker") -> None:
        """``name`` answered the task ``by`` (which also clears a failure at start)."""
        with self._lock:
            failing = self._failing.get(name)
            was_up = failing == {}
            failing = {
                task: error for task, error in (failing or {}).items() if task not in (by, "start")
            }
            self._failing[name] = failing
        if not was_up and not failing:
            log.info("dependency up", dependency=name)

    def down(self, name: str, error: BaseException, *, by: str = "worker") -> None:
        """``name`` failed the task ``by`` with ``error``; the task retries."""
        name_of = type(error).__name__
        text = str(error)
        message = text if text.startswith(name_of) else f"{name_of}: {text}".rstrip(": ")
        with self._lock:
            failing = self._failing.get(name)
            was_down = bool(failing)
            self._failing[name] = {**(failing or {}), by: message}
        if not was_down:
            log.warning("dependency down; retrying with backoff", dependency=name, error=message)

    @property
    def ready(self) -> bool:
        """Every dependency answered every task at its last use."""
        return bool(self.snapshot()["status"] == "ok")

    def snapshot(self) -> dict[str, Any]:
        """``{"status": "ok"|"unavailable", "checks": {name: {"ok": ..., "error": ...}}}``."""
        with self._lock:
            states = {name: dict(f) if f is not None else None for name, f in self._failing.items()}
        checks: dict[str, Any] = {}
        for name, failing in sorted(states.items()):
            if failing is None:
                checks[name] = {"ok": False, "error": "not checked yet"}
            elif failing:
                checks[name] = {"ok": False, "error": next(iter(failing.values()))}
            else:
                checks[name] = {"ok": True}
        ready = all(check["ok"] for check in checks.values())
        return {"status": "ok" if ready else "unavailable", "checks": checks}


class Bus(Protocol):
    """What the worker needs from an adapter (:class:`PostgresBus`, :class:`KafkaBus`)."""

    name: str

    async def start(self) -> None:
        """Connect."""

    async def stop(self) -> None:
        """Disconnect."""

    async def relay_once(self) -> int:
        """Move one batch from the outbox to the bus; return how many events."""

    async def consume_once(self, consumer: Consumer, delivery: Delivery) -> int:
        """Deliver one batch to ``consumer``; return how many events were read."""


class _Wake:
    """Wake-ups by NOTIFY on a dedicated connection: one asyncio event per waiting task."""

    def __init__(self, url: str, channels: tuple[str, ...], role: str | None) -> None:
        self.url = url
        self.role = role
        self.waiters: dict[str, list[asyncio.Event]] = {channel: [] for channel in channels}
        self._conn: asyncpg.Connection | None = None

    def waiter(self, channel: str) -> asyncio.Event:
        event = asyncio.Event()
        self.waiters[channel].append(event)
        return event

    async def start(self) -> None:
        settings = {"application_name": "nexus-worker"}
        if self.role:
            settings["role"] = self.role
        self._conn = await asyncpg.connect(self.url, server_settings=settings)
        for channel in self.waiters:
            await self._conn.add_listener(channel, self._notified)

    def _notified(self, conn: object, pid: int, channel: str, payload: object) -> None:
        for event in self.waiters[channel]:
            event.set()

    @staticmethod
    async def wait(event: asyncio.Event) -> None:
        # asyncio.timeout, not wait_for: on Python 3.11 a cancellation that meets wait_for's
        # own timeout can leave the inner task uncancelled and the worker's stop() hanging.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(_IDLE_S):
                await event.wait()
        event.clear()

    def wake_all(self) -> None:
        """Wake every waiting task (the worker is stopping)."""
        for events in self.waiters.values():
            for event in events:
                event.set()

    async def stop(self) -> None:
        if self._conn is not None:
            await self._conn.close()
            self._conn = None


class EventWorker:
    """Run the relay and consumers until stopped.

    Args:
        bus: The adapter.
        consumers: The consumer groups to run (kernel and plugins).
        delivery: Delivers events to consumers through the inbox.
        database_url: Where NOTIFY wake-ups come from.
        role: The role of the listening connection.
        relay: Run the relay in this process.
        placed: Forwards dedicated tenants' databases' outboxes home (with ``relay``): one
            loop per placed database, woken by its own NOTIFY, in its outbox order.
    """

    def __init__(
        self,
        bus: Bus,
        consumers: list[Consumer],
        delivery: Delivery,
        *,
        database_url: str,
        role: str | None = None,
        relay: bool = True,
        placed: PlacedOutboxes | None = None,
    ) -> None:
        self.bus = bus
        self.placed = placed
        self.consumers = consumers
        self.delivery = delivery
        self.relay = relay
        self._wake = _Wake(database_url, (OUTBOX_CHANNEL, LOG_CHANNEL), role)
        self._tasks: list[asyncio.Task[None]] = []
        self._forwarders: dict[str, asyncio.Task[None]] = {}  # placed database URL -> loop
        self._placed_wakes: list[asyncio.Event] = []
        self._stopping = False
        self.health = DependencyHealth("database", bus.name)
        """The database's and the bus's state, for the probe port's ``/readyz``."""

    async def start(self) -> None:
        """Connect and start one task for the relay and one per consumer group.

        A bus that does not answer yet (a broker down, or refusing the producer) does not
        stop the worker: the relay and the consumers retry with backoff, and
        :attr:`health` says what is failing until it answers.
        """
        self._stopping = False
        await self._wake.start()
        self.health.up("database")
        try:
            await self.bus.start()
        except Exception as exc:  # noqa: BLE001 - the tasks below retry; health reports it
            self.health.down(self.bus.name, exc, by="start")
        else:
            self.health.up(self.bus.name, by="start")
        if self.relay:
            self._tasks.append(asyncio.create_task(self._relay(), name="nexus-relay"))
            if self.placed is not None:
                self._tasks.append(asyncio.create_task(self._placed(), name="nexus-placed"))
        for consumer in self.consumers:
            self._tasks.append(
                asyncio.create_task(self._consume(consumer), name=f"nexus-{consumer.name}")
            )
        # Outbox backlog, consumer lag and dead letters as gauges (the relay role sees every
        # tenant's events).
        sampler = EventStateSampler(
            (consumer.name for consumer in self.consumers),
            consumer_lag=self.bus.name == "postgres",
        )
        gauges = sampler.run(self._wake.url, role=self._wake.role)
        self._tasks.append(asyncio.create_task(gauges, name="nexus-gauges"))

    async def stop(self) -> None:
        """Cancel the tasks (an unfinished batch is redone by the next worker) and disconnect.

        The tasks' loops also end on a flag: on Python 3.11 a cancellation that lands as an
        ``asyncio.wait_for`` inside a driver completes is lost, and a task that lost it would
        otherwise go on forever (a cancelled task is cancelled again until it ends).
        """
        self._stopping = True
        self._wake.wake_all()
        for event in self._placed_wakes:
            event.set()
        pending = set(self._tasks)
        while pending:
            for task in pending:
                task.cancel()
            _, pending = await asyncio.wait(pending, timeout=1.0)
        for task in self._tasks:  # retrieved, so none is reported as never retrieved
            if not task.cancelled():
                task.exception()
        self._tasks.clear()
        self._forwarders.clear()
        self._placed_wakes.clear()
        await self.bus.stop()
        await self._wake.stop()

    async def __aenter__(self) -> EventWorker:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    async def _relay(self) -> None:
        wake = self._wake.waiter(OUTBOX_CHANNEL)
        failures = 0
        while not self._stopping:
            try:
                moved = await self.bus.relay_once()
                failures = 0
                self.health.up(self.bus.name, by="relay")
            except Exception as exc:  # noqa: BLE001 - the broker may be down; keep trying
                failures += 1
                self.health.down(self.bus.name, exc, by="relay")
                log.debug("relay failed; retrying", error=repr(exc), failures=failures)
                await asyncio.sleep(_backoff(failures))
                continue
            if not moved:
                await self._wake.wait(wake)

    async def _placed(self) -> None:
        """Keep one forwarding loop per placed database, as databases come and go."""
        assert self.placed is not None
        failures = 0
        while not self._stopping:
            try:
                urls = set(await self.placed.databases())
                failures = 0
            except Exception as exc:  # noqa: BLE001 - the home database may be restarting
                failures += 1
                self.health.down("database", exc, by="placed")
                await asyncio.sleep(_backoff(failures))
                continue
            self.health.up("database", by="placed")
            for url in urls - self._forwarders.keys():
                task = asyncio.create_task(self._forward(url), name=f"nexus-forward-{url}")
                self._forwarders[url] = task
                self._tasks.append(task)
            for url in self._forwarders.keys() - urls:  # the tenant moved or was removed
                self._forwarders.pop(url).cancel()
            await asyncio.sleep(_PLACED_REFRESH_S)

    async def _forward(self, url: str) -> None:
        """Forward one placed database's outbox home, woken by that database's NOTIFY."""
        assert self.placed is not None
        wake = asyncio.Event()
        self._placed_wakes.append(wake)
        settings = {"application_name": "nexus-worker"}
        if self._wake.role:
            settings["role"] = self._wake.role
        conn: asyncpg.Connection | None = None
        failures = 0
        try:
            while not self._stopping:
                try:
                    if conn is None or conn.is_closed():
                        conn = await asyncpg.connect(url, server_settings=settings)
                        await conn.add_listener(OUTBOX_CHANNEL, lambda *_: wake.set())
                    moved = await self.placed.forward_once(conn)
                    failures = 0
                except Exception as exc:  # noqa: BLE001 - the placed database may be down
                    failures += 1
                    log.debug("forwarding failed; retrying", error=repr(exc), failures=failures)
                    if conn is not None:
                        conn.terminate()
                        conn = None
                    await asyncio.sleep(_backoff(failures))
                    continue
                if not moved:
                    await self._wake.wait(wake)
        finally:
            self._placed_wakes.remove(wake)
            if conn is not None:
                conn.terminate()

    async def _consume(self, consumer: Consumer) -> None:
        wake = self._wake.waiter(LOG_CHANNEL)
        failures = 0
        while not self._stopping:
            try:
                read = await self.bus.consume_once(consumer, self.delivery)
                failures = 0
                self.health.up(self.bus.name, by=consumer.name)
            except Exception as exc:  # noqa: BLE001 - keep the group alive across outages
                failures += 1
                self.health.down(self.bus.name, exc, by=consumer.name)
                log.debug(
                    "consumer failed; retrying",
                    consumer=consumer.name,
                    error=repr(exc),
                    failures=failures,
                )
                await asyncio.sleep(_backoff(failures))
                continue
            if not read and self.bus.name == "postgres":
                await self._wake.wait(wake)
