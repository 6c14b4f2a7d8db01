"""``events``: outbox relay throughput and commit-to-consumer latency, both adapters."""

from __future__ import annotations

import asyncio
import statistics
import time
from typing import TYPE_CHECKING

import asyncpg
import uuid_utils
from nexus import Settings, load_plugins
from nexus.compose import EventRuntime
from nexus.events import Consumer, OutboxPublisher
from nexus.testing import TansuBroker, tansu_binary

from bench._results import Goal, row
from bench.apps import plugin
from bench.benchmarks._database import migrated_database

if TYPE_CHECKING:
    from uuid import UUID

    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

THROUGHPUT_GOAL = Goal(">=", 10_000, label="≥ 10,000 events/s")
LATENCY_GOAL = Goal("<", 100, "ms")
_TYPE = "bench.measured.v1"


async def _write(url: str, settings: Settings, tenant_id: UUID, count: int, per_tx: int) -> None:
    """Commit ``count`` events through the outbox, ``per_tx`` per transaction."""
    conn = await asyncpg.connect(url, server_settings={"role": settings.db_api_role})
    publisher = OutboxPublisher(tenant_id=tenant_id, plugin="bench")
    try:
        for _ in range(count // per_tx):
            async with conn.transaction():
                await conn.execute("select set_config('nexus.tenant_id', $1, true)", str(tenant_id))
                for _ in range(per_tx):
                    await publisher.publish(conn, type=_TYPE, data={"t": time.time()})
    finally:
        await conn.close()


async def _measure(
    url: str, settings: Settings, tenant_id: UUID, *, events: int, probes: int
) -> dict[str, object]:
    registry = load_plugins(settings, plugins=[plugin])
    latencies: list[float] = []
    done = asyncio.Event()
    backlog = asyncio.Event()
    received = 0
    committed: dict[str, float] = {}

    first_handled: list[float] = []
    backlog_handled: list[float] = []

    async def count(event: object, conn: object) -> None:
        nonlocal received
        if not first_handled:
            first_handled.append(time.perf_counter())
        received += 1
        sent = committed.get(getattr(event, "id", ""))
        if sent is not None:
            latencies.append((time.perf_counter() - sent) * 1000)
        if received == events:
            backlog_handled.append(time.perf_counter())
            backlog.set()
        if received >= events + probes:
            done.set()

    sink = Consumer(name=f"bench_{uuid_utils.uuid7().hex[-8:]}", handlers={_TYPE: [count]})
    # Backlog first: the relay's throughput is measured on committed events waiting for it.
    await _write(url, settings, tenant_id, events, 100)
    runtime = EventRuntime(settings, registry, database_url=url, consumers=[sink])
    started = time.perf_counter()
    async with runtime:
        relayed = 0
        while relayed < events:
            await asyncio.sleep(0.005)  # sampling interval of the benchmark, not a test wait
            relayed = await _published(url)
        relay_s = time.perf_counter() - started
        await asyncio.wait_for(backlog.wait(), 600)
        # The consumer's own pace: from its first event to the backlog's last (a Kafka
        # group's join and the relay's head start are not the consumer's work).
        consume_s = backlog_handled[0] - first_handled[0]
        # Then latency: one event per transaction, commit time to the consumer's call.
        conn = await asyncpg.connect(url, server_settings={"role": settings.db_api_role})
        publisher = OutboxPublisher(tenant_id=tenant_id, plugin="bench")
        try:
            for _ in range(probes):
                async with conn.transaction():
                    await conn.execute(
                        "select set_config('nexus.tenant_id', $1, true)", str(tenant_id)
                    )
                    event_id = await publisher.publish(conn, type=_TYPE, data={})
                committed[event_id] = time.perf_counter()
                await asyncio.sleep(0.01)  # pacing between probes: a steady trickle
        finally:
            await conn.close()
        await asyncio.wait_for(done.wait(), 120)
    return {
        "relay_eps": events / relay_s,
        "consume_eps": events / consume_s,
        "latencies": sorted(latencies),
    }


async def _published(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(
            await conn.fetchval(
                "select count(*) from nexus_event_outbox where published_at is not null"
            )
        )
    finally:
        await conn.close()


def run(ctx: Context) -> list[Row]:
    """Measure both adapters: PostgreSQL log, then Kafka (tansu) when installed."""
    quick = ctx.config.quick
    events, probes = (2_000, 50) if quick else (20_000, 300)
    rows: list[Row] = []
    adapters: list[tuple[str, dict[str, str]]] = [("PostgreSQL log", {})]
    broker = TansuBroker() if tansu_binary() else None
    if broker is not None:
        broker.start()
        adapters.append(("Kafka (tansu)", {"kafka_bootstrap": broker.bootstrap}))
    try:
        for name, extra in adapters:
            with migrated_database(ctx.database_server, plugins=[plugin]) as db:
                settings = Settings(
                    database_url=db.url, log_level="warning", kafka_idempotent=False, **extra
                )
                result = asyncio.run(
                    _measure(db.url, settings, db.tenant_id, events=events, probes=probes)
                )
            latencies = result["latencies"]
            assert isinstance(latencies, list)
            p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
            rows.append(
                row(
                    "events",
                    f"outbox relay throughput ({name})",
                    float(result["relay_eps"]),  # type: ignore[arg-type]
                    "events/s",
                    goal=THROUGHPUT_GOAL,
                    note=f"{events} committed events waiting, relayed by one worker process",
                )
            )
            rows.append(
                row(
                    "events",
                    f"consumer throughput, one group ({name})",
                    float(result["consume_eps"]),  # type: ignore[arg-type]
                    "events/s",
                    goal=THROUGHPUT_GOAL,
                    note="first to last event of the backlog; a batch's events of one tenant "
                    "share a transaction with their inbox rows",
                )
            )
            rows.append(
                row(
                    "events",
                    f"commit-to-consumer p50 ({name})",
                    statistics.median(latencies),
                    "ms",
                    note=f"{len(latencies)} probes, each event in its own transaction",
                )
            )
            rows.append(
                row(
                    "events",
                    f"commit-to-consumer p99 ({name})",
                    p99,
                    "ms",
                    goal=LATENCY_GOAL,
                    note=f"{len(latencies)} probes, each event in its own transaction",
                    detail={"ms": [round(v, 2) for v in latencies]},
                )
            )
    finally:
        if broker is not None:
            broker.stop()
    return rows
