"""`nexus worker` outlives a broker that is down when it starts, and relays once it is up."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import asyncpg
import httpx
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from nexus.events import OutboxPublisher, topic_for
from nexus.testing import TansuBroker, make_tenant, run_sync, tenant_transaction

from .conftest import _env, free_port

WAIT_S = 60.0


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    return nexus_migrated_database([])


def eventually(check, *, what, process, log, timeout=WAIT_S):
    """``check()``'s first truthy result, asked again until ``timeout``; the worker must live."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            pytest.fail(f"nexus worker exited with {process.returncode}: {log.read_text()}")
        if result := check():
            return result
        if time.monotonic() > deadline:
            pytest.fail(f"not in {timeout} s: {what}\n{log.read_text()}")
        time.sleep(0.1)  # polling interval for another process's state, bounded above


def probe(port, path):
    try:
        response = httpx.get(f"http://127.0.0.1:{port}{path}", timeout=2)
    except httpx.TransportError:
        return None
    return response


def publish(url, tenant, count):
    async def write():
        ids = []
        async with tenant_transaction(url, tenant) as conn:
            events = OutboxPublisher(tenant_id=tenant.id, plugin="nexus")
            for i in range(count):
                ids.append(await events.publish(conn, type="nexus.probe.written.v1", data={"i": i}))
        return ids

    return run_sync(write())


def unpublished(url):
    async def fetch():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(
                "select count(*) from nexus_event_outbox where published_at is null"
            )
        finally:
            await conn.close()

    return run_sync(fetch())


def record_ids(bootstrap, topic):
    async def read():
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            await consumer.topics()
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            ids = []
            async with asyncio.timeout(WAIT_S):
                while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                    for batch in (await consumer.getmany(timeout_ms=200)).values():
                        ids.extend(json.loads(record.value)["id"] for record in batch)
            return ids
        finally:
            await consumer.stop()

    return run_sync(read())


def test_worker_started_before_the_broker_reports_it_and_relays_once_it_answers(
    nexus_database_url, tmp_path
):
    url = nexus_database_url
    broker = TansuBroker(port=free_port(), log=tmp_path / "tansu.log")  # not started yet
    port = free_port()
    log = tmp_path / "worker.log"
    env = {
        "NEXUS_DATABASE_URL": url,
        "NEXUS_KAFKA_BOOTSTRAP": broker.bootstrap,
        "NEXUS_KAFKA_IDEMPOTENT": "false",  # tansu refuses the idempotent producer
        "NEXUS_PLUGINS": "",  # the kernel's own consumers only
        "NEXUS_LOG_LEVEL": "info",
        "NEXUS_LOG_FORMAT": "json",
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "nexus", "worker", "--metrics-port", str(port)],
            env=_env([], env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait = {"process": worker, "log": log}

        def kafka_down():
            response = probe(port, "/readyz")
            if response is None or response.status_code != 503:
                return None
            checked = response.json()["checks"]["kafka"].get("error") != "not checked yet"
            return response if checked else None

        down = eventually(kafka_down, what="/readyz says 503 naming kafka", **wait).json()
        assert down["status"] == "unavailable"
        assert down["checks"]["kafka"]["ok"] is False
        assert "Kafka" in down["checks"]["kafka"]["error"]
        assert down["checks"]["database"] == {"ok": True}
        assert probe(port, "/healthz").json() == {"status": "ok"}  # alive, not ready
        assert "nexus_" in probe(port, "/metrics").text

        tenant = make_tenant(url)
        written = publish(url, tenant, 3)  # meanwhile: kept in the outbox
        assert unpublished(url) >= 3
        assert worker.poll() is None

        broker.start()

        def ready():
            response = probe(port, "/readyz")
            return response is not None and response.status_code == 200

        eventually(ready, what="/readyz says 200 once kafka answers", **wait)
        eventually(lambda: unpublished(url) == 0, what="the backlog relayed", **wait)
        assert set(written) <= set(record_ids(broker.bootstrap, topic_for("nexus")))
        assert worker.poll() is None, "the worker exited"
        assert probe(port, "/readyz").json()["checks"]["kafka"] == {"ok": True}
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        broker.stop()
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.startswith("{")]
    changes = [
        (line["event"], line.get("dependency"))
        for line in lines
        if line.get("event", "").startswith("dependency")
    ]
    kafka = [event for event, dependency in changes if dependency == "kafka"]
    repeated = [line for line in lines if line.get("event", "").startswith("Unable connect")]
    assert repeated == [], "a line per retry"
    # One line per change of state: down once (however many retries), then up once.
    assert kafka == ["dependency down; retrying with backoff", "dependency up"], changes


def test_worker_on_a_broker_refusing_the_idempotent_producer_keeps_running_and_says_why(
    nexus_database_url, tmp_path, nexus_kafka_broker
):
    port = free_port()
    log = tmp_path / "worker.log"
    env = {
        "NEXUS_DATABASE_URL": nexus_database_url,
        "NEXUS_KAFKA_BOOTSTRAP": nexus_kafka_broker.bootstrap,
        "NEXUS_KAFKA_IDEMPOTENT": "true",  # tansu answers InitProducerId with an error
        "NEXUS_PLUGINS": "",
    }
    with log.open("w") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "nexus", "worker", "--metrics-port", str(port)],
            env=_env([], env),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:

        def refused():
            response = probe(port, "/readyz")
            if response is None or response.status_code != 503:
                return None
            error = response.json()["checks"]["kafka"].get("error", "")
            return error if "idempotent" in error else None

        error = eventually(refused, what="/readyz names the refusal", process=worker, log=log)
        assert "NEXUS_KAFKA_IDEMPOTENT=false" in error
        assert worker.poll() is None
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
