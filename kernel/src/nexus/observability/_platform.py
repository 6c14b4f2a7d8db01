"""Platform metrics beyond HTTP: provisioning, feature changes, events, database pools.

Dashboards and alert rules in ``deploy/`` use these names; a test checks each one appears
in ``/metrics`` after a small workload. None carries a tenant id as a label value.

- ``nexus_provisioning_runs_total{status}``: provisioning runs finished, ``succeeded`` or
  ``failed`` (counter);
- ``nexus_provisioning_duration_seconds{status}``: how long they took (histogram);
- ``nexus_events_published_total{plugin,type}``: events written to the outbox (counter;
  feature switches are ``type="nexus.feature.changed.v1"``);
- ``nexus_events_outbox_pending``: events committed but not yet relayed (gauge);
- ``nexus_events_outbox_lag_seconds``: age of the oldest of them, 0 when none (gauge);
- ``nexus_events_consumer_lag{consumer}``: events in the log a consumer group has not read
  yet (gauge; from the offsets table on the PostgreSQL bus, from each fetch on Kafka);
- ``nexus_events_dead_letters{consumer}``: events parked as dead letters (gauge);
- ``nexus_events_state_sampled_timestamp_seconds``: when the event gauges were last read;
- ``nexus_db_pool_connections{pool,state}``: connections of each pool of the process,
  ``in_use``, ``idle`` or ``max`` (gauge; refreshed per scrape and at most once a second
  from the request path, so every worker process reports its own).

The event gauges are read from PostgreSQL by :class:`EventStateSampler`, which the event
worker runs (every :data:`SAMPLE_INTERVAL_S` seconds) with its cross-tenant relay role.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from typing import TYPE_CHECKING

import asyncpg
import structlog
from prometheus_client import Counter, Gauge, Histogram

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = (
    "PLATFORM_METRIC_NAMES",
    "SAMPLE_INTERVAL_S",
    "EventStateSampler",
    "count_event_published",
    "observe_provisioning",
    "refresh_pools",
    "set_consumer_lag",
    "watch_pool",
)

log = structlog.get_logger("nexus.observability")

SAMPLE_INTERVAL_S = 15.0
"""How often the worker reads the event gauges (one Prometheus scrape interval)."""

PLATFORM_METRIC_NAMES = (
    "nexus_provisioning_runs_total",
    "nexus_provisioning_duration_seconds",
    "nexus_events_published_total",
    "nexus_events_outbox_pending",
    "nexus_events_outbox_lag_seconds",
    "nexus_events_consumer_lag",
    "nexus_events_dead_letters",
    "nexus_events_state_sampled_timestamp_seconds",
    "nexus_db_pool_connections",
)
"""The metrics this module exports."""

_PROVISIONING_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class _Pools:
    """The watched asyncpg pools, copied into a gauge at most once a second (and per scrape).

    Reading a pool's size costs a walk over its few connections; doing it at most once a
    second from the request path keeps it off the hot path while every worker process
    (multi-process mode, where only files are shared) keeps its own numbers current.
    """

    def __init__(self, gauge: Gauge) -> None:
        self.gauge = gauge
        self.pools: dict[str, asyncpg.Pool] = {}
        self.next_at = 0.0

    def refresh(self) -> None:
        self.next_at = time.monotonic() + 1.0
        for name, pool in list(self.pools.items()):
            if pool.is_closing():  # closed pools leave the metric (and this dictionary)
                del self.pools[name]
                for state in ("in_use", "idle", "max"):
                    with contextlib.suppress(KeyError):
                        self.gauge.remove(name, state)
                continue
            size, idle = pool.get_size(), pool.get_idle_size()
            self.gauge.labels(name, "in_use").set(size - idle)
            self.gauge.labels(name, "idle").set(idle)
            self.gauge.labels(name, "max").set(pool.get_max_size())


class _Instruments:
    def __init__(self) -> None:
        self.runs = Counter(
            "nexus_provisioning_runs",
            "Provisioning runs finished, by outcome.",
            labelnames=("status",),
        )
        self.run_seconds = Histogram(
            "nexus_provisioning_duration_seconds",
            "Time a provisioning run took (its steps run in this process), in seconds.",
            labelnames=("status",),
            buckets=_PROVISIONING_BUCKETS,
        )
        self.published = Counter(
            "nexus_events_published",
            "Events written to the outbox (committed or not), by plugin and type.",
            labelnames=("plugin", "type"),
        )
        self.outbox_pending = Gauge(
            "nexus_events_outbox_pending",
            "Events committed to the outbox and not yet relayed.",
            multiprocess_mode="max",
        )
        self.outbox_lag = Gauge(
            "nexus_events_outbox_lag_seconds",
            "Age of the oldest event not yet relayed, in seconds (0 when none).",
            multiprocess_mode="max",
        )
        self.consumer_lag = Gauge(
            "nexus_events_consumer_lag",
            "Events in the log a consumer group has not read yet.",
            labelnames=("consumer",),
            multiprocess_mode="max",
        )
        self.dead_letters = Gauge(
            "nexus_events_dead_letters",
            "Events parked as dead letters, by consumer group.",
            labelnames=("consumer",),
            multiprocess_mode="max",
        )
        self.sampled = Gauge(
            "nexus_events_state_sampled_timestamp_seconds",
            "When the event gauges were last read from the database (Unix time).",
            multiprocess_mode="max",
        )
        for status in ("succeeded", "failed"):  # both series exist from the start
            self.runs.labels(status)
            self.run_seconds.labels(status)
        self.pools = _Pools(
            Gauge(
                "nexus_db_pool_connections",
                "Connections of the process's database pools, by state.",
                labelnames=("pool", "state"),
                multiprocess_mode="livesum",
            )
        )


_instruments: _Instruments | None = None


def _shared() -> _Instruments:
    global _instruments  # noqa: PLW0603 - one registration per process
    if _instruments is None:
        _instruments = _Instruments()
    return _instruments


def watch_pool(name: str, pool: asyncpg.Pool) -> None:
    """Report ``pool``'s connections as ``nexus_db_pool_connections{pool=name}``.

    A closed pool drops out of the metric at the next refresh.
    """
    pools = _shared().pools
    pools.pools[name] = pool
    pools.refresh()


def refresh_pools(*, now: float | None = None) -> None:
    """Copy the pools' sizes into ``nexus_db_pool_connections``.

    With ``now`` (``time.monotonic()``), only when the last copy is a second old.
    """
    pools = _shared().pools
    if now is None or now >= pools.next_at:
        pools.refresh()


@contextlib.contextmanager
def observe_provisioning() -> Iterator[None]:
    """Count and time the provisioning run inside the block: failed if it raises."""
    instruments = _shared()
    started = time.perf_counter()
    status = "failed"
    try:
        yield
        status = "succeeded"
    finally:
        instruments.runs.labels(status).inc()
        instruments.run_seconds.labels(status).observe(time.perf_counter() - started)


def set_consumer_lag(consumer: str, lag: int) -> None:
    """Report how many records ``consumer``'s Kafka group has not read (after a fetch)."""
    _shared().consumer_lag.labels(consumer).set(lag)


def count_event_published(plugin: str, type: str) -> None:  # noqa: A002 - CloudEvents' name
    """Count one event of ``type`` written to the outbox by ``plugin``."""
    _shared().published.labels(plugin, type).inc()


_STATE = """
select (select count(*) from nexus_event_outbox where published_at is null) as pending,
       (select coalesce(extract(epoch from now() - min(created_at)), 0)
          from nexus_event_outbox where published_at is null) as lag,
       (select coalesce(max(position), 0) from nexus_event_outbox
         where position is not null) as head
"""
_OFFSETS = "select consumer, position from nexus_event_offset"
_DEAD = "select consumer, count(*) as parked from nexus_event_dead_letter group by consumer"


class EventStateSampler:
    """Reads outbox backlog, consumer lag and dead letters from PostgreSQL into gauges.

    The connection must see every tenant's events (the relay role does).

    Args:
        consumers: The consumer groups to report even while they have no offset or dead
            letter yet (they show 0).
        consumer_lag: Report consumer lag from the offsets table (the PostgreSQL bus);
            on Kafka each group reports its own lag after every fetch instead.
    """

    def __init__(self, consumers: Iterable[str] = (), *, consumer_lag: bool = True) -> None:
        self._instruments = _shared()
        self._consumers = tuple(consumers)
        self._consumer_lag = consumer_lag

    async def sample(self, conn: asyncpg.Connection) -> None:
        """Read the state once and set the gauges."""
        state = await conn.fetchrow(_STATE)
        offsets = {r["consumer"]: int(r["position"]) for r in await conn.fetch(_OFFSETS)}
        dead = {r["consumer"]: int(r["parked"]) for r in await conn.fetch(_DEAD)}
        instruments = self._instruments
        assert state is not None
        instruments.outbox_pending.set(int(state["pending"]))
        instruments.outbox_lag.set(float(state["lag"]))
        head = int(state["head"])
        for consumer in {*self._consumers, *offsets} if self._consumer_lag else ():
            instruments.consumer_lag.labels(consumer).set(max(head - offsets.get(consumer, 0), 0))
        for consumer in {*self._consumers, *dead}:
            instruments.dead_letters.labels(consumer).set(dead.get(consumer, 0))
        instruments.sampled.set(time.time())

    async def run(
        self, url: str, *, role: str | None = None, interval: float = SAMPLE_INTERVAL_S
    ) -> None:
        """Sample every ``interval`` seconds on a connection of its own until cancelled.

        A failed read is logged and the connection made again at the next round; metrics
        never stop the worker.
        """
        settings = {"application_name": "nexus-metrics"}
        if role:
            settings["role"] = role
        conn: asyncpg.Connection | None = None
        try:
            while True:
                try:
                    if conn is None or conn.is_closed():
                        conn = await asyncpg.connect(url, server_settings=settings)
                    await self.sample(conn)
                except Exception as exc:  # noqa: BLE001 - keep the worker going
                    log.warning("reading event metrics failed", error=repr(exc))
                    if conn is not None:
                        conn.terminate()
                        conn = None
                await asyncio.sleep(interval)
        finally:
            if conn is not None:
                conn.terminate()  # at once: a cancelled worker must not wait on metrics
