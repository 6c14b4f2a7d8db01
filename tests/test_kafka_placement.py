"""A dedicated tenant's events on Kafka: forwarded from its database, produced once, handled."""

from __future__ import annotations

import json
import sys
import uuid
from pathlib import Path

import asyncpg
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from nexus.events import decode_event, topic_for
from nexus.placement import ClusterKind, add_cluster, dedicated_database_name
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_platform_key, run_sync

sys.path.insert(0, str(Path(__file__).parents[1] / "kernel" / "tests"))
from kernel_samples import hello, ledger, tasks  # noqa: E402

PLUGINS = [hello, tasks, ledger]


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    return nexus_migrated_database(PLUGINS)


def fetch(url, sql, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return run_sync(run())


def read_topic(bootstrap, topic):
    """Every record of ``topic`` up to its end offsets (a plain consumer, no group)."""

    async def read():
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            await consumer.topics()
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            records = []
            while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                for batch in (await consumer.getmany(timeout_ms=200)).values():
                    records.extend(batch)
            return records
        finally:
            await consumer.stop()

    return run_sync(read())


def test_a_dedicated_tenants_event_is_produced_once_and_handled(
    nexus_database_url, nexus_postgres_server, nexus_kafka_broker
):
    home = nexus_database_url
    settings = Settings(
        database_url=home,
        log_level="warning",
        kafka_bootstrap=nexus_kafka_broker.bootstrap,
        kafka_idempotent=False,  # tansu 0.6 refuses aiokafka's idempotent producer
    )

    async def add() -> None:
        conn = await asyncpg.connect(home)
        try:
            await add_cluster(
                conn, name="dedicated-k", url=nexus_postgres_server, kind=ClusterKind.DEDICATED
            )
        finally:
            await conn.close()

    run_sync(add())
    admin = {"Authorization": f"Bearer {make_platform_key(home)}"}
    slug = f"kafka-{uuid.uuid4().hex[:8]}"
    body = {
        "name": "Kafka Co",
        "slug": slug,
        "preset": "base",
        "country": "FR",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "locale": "fr-FR",
        "admin": {"email": f"ada@{slug}.example", "name": "Ada"},
        "features": {"hello": True, "tasks": True, "ledger": True},
        "placement": "dedicated",
    }
    tenant_id = None
    try:
        with create_test_client(PLUGINS, database_url=home, settings=settings) as app:
            started = app.post("/api/v1/tenants", json=body, headers=admin)
            assert started.status_code == 202, started.text
            last = None
            location = f"{started.headers['location']}/events"
            with app.stream("GET", location, headers=admin) as response:
                for line in response.iter_lines():
                    if line.startswith("data: "):
                        last = json.loads(line[len("data: ") :])
            assert last is not None and last["status"] == "succeeded", last
            tenant_id = uuid.UUID(last["tenant_id"])
            headers = {"Authorization": f"Bearer {last['admin']['api_key']}"}
            with EventWorkerHarness(app, settings=settings) as worker:
                written = app.post("/api/v1/ledger/", json={"memo": "k"}, headers=headers)
                assert written.status_code == 201, written.text
                worker.wait_handled("ledger", 1)
        records = read_topic(settings.kafka_bootstrap, topic_for("ledger"))
        [record] = records
        event = decode_event(record.value)
        assert (event.id, event.tenantid) == (written.json()["event_id"], str(tenant_id))
        assert record.key == str(tenant_id).encode()
        own = nexus_postgres_server.rsplit("/", 1)[0] + f"/{dedicated_database_name(tenant_id)}"
        effect = "select count(*) from ledger_effect where event_id = $1"
        assert fetch(own, effect, event.id)[0][0] == 1
        assert worker.handled["ledger"] == 1
    finally:
        if tenant_id is not None:
            name = dedicated_database_name(tenant_id)
            fetch(nexus_postgres_server, f'drop database if exists "{name}" with (force)')
