"""The Kafka adapter against a real Kafka-protocol broker (tansu), faults included."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event
from nexus.events import KafkaBus, topic_for
from nexus.events._kafka import _CLAIM
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, run_sync

sys.path.insert(0, str(Path(__file__).parents[1] / "kernel" / "tests"))
from kernel_samples import ledger  # noqa: E402


@pytest.fixture
def settings(nexus_database_url, nexus_kafka_broker):
    # tansu 0.6 answers aiokafka's InitProducerId (v0) with an error: no idempotent producer
    # here; duplicates a retry may cause are removed by the consumers' inbox either way.
    return Settings(
        database_url=nexus_database_url,
        log_level="warning",
        kafka_bootstrap=nexus_kafka_broker.bootstrap,
        kafka_idempotent=False,
    )


@pytest.fixture
def app(settings, nexus_database_url):
    with create_test_client([ledger], database_url=nexus_database_url, settings=settings) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_failures():
    ledger.FAILING.clear()


def write(client, tenant, memo, **extra):
    return client.post("/api/v1/ledger/", json={"memo": memo, **extra}, headers=tenant.headers)


def effects(url):
    async def count():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval("select count(*) from ledger_effect")
        finally:
            await conn.close()

    return run_sync(count())


def read_topic(bootstrap, topic, *, timeout=20.0):
    """Every record of ``topic`` with a plain consumer (no group), up to its end offsets."""

    async def read():
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            partitions = [
                TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic) or ()
            ]
            if not partitions:
                await consumer.topics()  # fetches the metadata
                partitions = [
                    TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)
                ]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            records = []
            async with asyncio.timeout(timeout):
                while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                    for batch in (await consumer.getmany(timeout_ms=200)).values():
                        records.extend(batch)
            return records
        finally:
            await consumer.stop()

    return run_sync(read())


def test_write_produces_exactly_one_cloudevent_on_the_topic(app, settings, nexus_database_url):
    tenant = make_tenant(nexus_database_url)
    with EventWorkerHarness(app) as worker:
        event_id = write(app, tenant, "kept").json()["event_id"]
        assert write(app, tenant, "rolled back", fail=True).status_code == 500
        worker.wait_handled("ledger", 1)
        worker.wait_handled("audit", 1)
    records = read_topic(settings.kafka_bootstrap, topic_for("ledger"))
    assert len(records) == 1
    record = records[0]
    assert record.key == str(tenant.id).encode()
    message = KafkaMessage(headers=dict(record.headers), key=record.key, value=record.value)
    event = from_kafka_event(message).get_attributes()
    assert event["id"] == event_id
    assert event["type"] == ledger.CREATED
    assert event["tenantid"] == str(tenant.id)
    assert event["specversion"] == "1.0"
    assert effects(nexus_database_url) == 1


def test_relay_killed_mid_batch_republishes_without_double_effects(
    app, settings, nexus_database_url
):
    tenant = make_tenant(nexus_database_url)
    for i in range(4):
        write(app, tenant, f"m{i}")

    class Killed(Exception):
        pass

    with EventWorkerHarness(app, relay=False) as worker:
        runtime = worker.runtime

        async def half_relay():
            bus = KafkaBus(
                runtime.relay_db,
                bootstrap=settings.kafka_bootstrap,
                plugins=["nexus", "ledger"],
                idempotent=False,
            )
            await bus.start()
            try:
                async with runtime.relay_db.transaction() as conn:
                    rows = await conn.fetch(_CLAIM, 100)
                    for row in rows:
                        await (
                            await bus._producer.send(
                                topic_for(row["plugin"]),
                                value=bytes(row["envelope"]),
                                key=str(row["tenant_id"]).encode(),
                            )
                        )
                    raise Killed  # the relay dies before marking the batch published
            except Killed:
                pass
            finally:
                await bus.stop()

        worker.call(half_relay)
        worker.wait_handled("ledger", 4)
    with EventWorkerHarness(app) as worker:
        worker.wait_redelivered("ledger", 4)
        assert worker.handled["ledger"] == 0
    assert len(read_topic(settings.kafka_bootstrap, topic_for("ledger"))) == 8
    assert effects(nexus_database_url) == 4
