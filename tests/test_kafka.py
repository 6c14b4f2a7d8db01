"""The Kafka adapter against a real Kafka-protocol broker (tansu), faults included."""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from cloudevents.core.bindings.kafka import KafkaMessage, from_kafka_event
from nexus.events import KafkaBus, decode_event, topic_for
from nexus.events._kafka import _CLAIM
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, run_sync

sys.path.insert(0, str(Path(__file__).parents[1] / "kernel" / "tests"))
from kernel_samples import ledger  # noqa: E402


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for the ledger (a template copy)."""
    return nexus_migrated_database([ledger])


def kafka_settings(url, broker):
    # tansu 0.6 answers aiokafka's InitProducerId (v0) with an error: no idempotent producer
    # here; duplicates a retry may cause are removed by the consumers' inbox either way.
    return Settings(
        database_url=url,
        log_level="warning",
        kafka_bootstrap=broker.bootstrap,
        kafka_idempotent=False,
    )


@pytest.fixture
def settings(nexus_database_url, nexus_kafka_broker):
    return kafka_settings(nexus_database_url, nexus_kafka_broker)


@pytest.fixture
def app(settings, nexus_database_url):
    with create_test_client([ledger], database_url=nexus_database_url, settings=settings) as c:
        yield c


@pytest.fixture
def durable_app(nexus_database_url, nexus_durable_kafka_broker):
    """The app on a broker that keeps its topics and offsets when restarted."""
    settings = kafka_settings(nexus_database_url, nexus_durable_kafka_broker)
    with create_test_client([ledger], database_url=nexus_database_url, settings=settings) as c:
        yield c


@pytest.fixture(autouse=True)
def _no_failures():
    ledger.FAILING.clear()


def write(client, tenant, memo, **extra):
    return client.post("/api/v1/ledger/", json={"memo": memo, **extra}, headers=tenant.headers)


def count(url, query):
    async def fetch():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()

    return run_sync(fetch())


def effects(url):
    return count(url, "select count(*) from ledger_effect")


def unpublished(url):
    return count(url, "select count(*) from nexus_event_outbox where published_at is null")


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


class Produced:
    """The memos of the ledger events handed to a Kafka producer, acknowledged or not."""

    def __init__(self, monkeypatch):
        self.memos = []
        self._condition = threading.Condition()
        send = AIOKafkaProducer.send

        async def recorded(producer, topic, *args, **kwargs):
            with self._condition:
                self.memos.append(decode_event(kwargs["value"]).data.get("memo"))
                self._condition.notify_all()
            return await send(producer, topic, *args, **kwargs)

        monkeypatch.setattr(AIOKafkaProducer, "send", recorded)

    def wait_for(self, memo, *, timeout=30.0):
        with self._condition:
            if not self._condition.wait_for(lambda: memo in self.memos, timeout=timeout):
                raise TimeoutError(f"nothing tried to produce {memo!r} in {timeout} s")


def test_broker_down_between_commit_and_publish_loses_nothing_and_applies_once(
    durable_app, nexus_durable_kafka_broker, nexus_database_url, monkeypatch
):
    app, broker = durable_app, nexus_durable_kafka_broker
    tenant = make_tenant(nexus_database_url)
    produced = Produced(monkeypatch)
    with EventWorkerHarness(app) as worker:
        assert write(app, tenant, "before").status_code == 201
        worker.wait_handled("ledger", 1)
        broker.stop()
        for i in range(5):
            assert write(app, tenant, f"while down {i}").status_code == 201
        produced.wait_for("while down 0")  # the relay is trying, with no broker to take it
        assert unpublished(nexus_database_url) == 5
        broker.start()  # same port, same storage: topics and committed offsets are back
        worker.wait_handled("ledger", 6)
        worker.wait_handled("audit", 6)
    assert unpublished(nexus_database_url) == 0
    assert effects(nexus_database_url) == 6
    records = read_topic(broker.bootstrap, topic_for("ledger"))
    # At least once on the topic (a retried batch may repeat), each effect exactly once.
    memos = {decode_event(record.value).data["memo"] for record in records}
    assert memos == {"before", *(f"while down {i}" for i in range(5))}


def test_consumer_killed_before_committing_gets_the_events_again_without_second_effects(
    app, settings, nexus_database_url, monkeypatch
):
    tenant = make_tenant(nexus_database_url)
    commit = AIOKafkaConsumer.commit

    async def commit_unless_ledger(consumer, *args, **kwargs):
        if consumer._group_id == "nexus.ledger":
            return None  # the ledger's consumer dies before it commits its offsets
        return await commit(consumer, *args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(AIOKafkaConsumer, "commit", commit_unless_ledger)
        with EventWorkerHarness(app) as worker:
            for i in range(3):
                write(app, tenant, f"m{i}")
            worker.wait_handled("ledger", 3)
    with EventWorkerHarness(app) as worker:
        worker.wait_redelivered("ledger", 3)
        assert worker.handled["ledger"] == 0
    assert effects(nexus_database_url) == 3
