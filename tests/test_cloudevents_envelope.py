"""Every envelope, on every transport, is a CloudEvents 1.0 event a strict consumer accepts.

The schema (``schemas/cloudevents-1.0.json``) is written from the CloudEvents 1.0 spec and
its JSON format: the required attributes, the optional ones' formats, the extension naming
rule, nothing else. Records are checked as they travel: the outbox row, the PostgreSQL log
the embedded bus reads, the Kafka record the relay produced.
"""

from __future__ import annotations

import asyncio
import json
import sys
from datetime import UTC, datetime
from pathlib import Path

import asyncpg
import msgspec
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition
from jsonschema import Draft202012Validator
from nexus.events import CONTENT_TYPE, CloudEvent, encode_event, topic_for
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, run_sync

sys.path.insert(0, str(Path(__file__).parents[1] / "kernel" / "tests"))
from kernel_samples import ledger  # noqa: E402

SCHEMA = json.loads((Path(__file__).parent / "schemas" / "cloudevents-1.0.json").read_text())
VALIDATOR = Draft202012Validator(SCHEMA, format_checker=Draft202012Validator.FORMAT_CHECKER)


def strict_errors(raw: bytes) -> list[str]:
    """What a strict CloudEvents 1.0 consumer objects to in one structured-mode document."""
    document = json.loads(raw)
    return [f"{list(e.absolute_path)}: {e.message}" for e in VALIDATOR.iter_errors(document)]


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    return nexus_migrated_database([ledger])


def _rows(url: str, query: str) -> list[asyncpg.Record]:
    async def fetch() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query)
        finally:
            await conn.close()

    return run_sync(fetch())


def _write(client, tenant, memo):
    response = client.post("/api/v1/ledger/", json={"memo": memo}, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()["event_id"]


# --- the schema itself ------------------------------------------------------------------


class _OldCloudEvent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """The envelope as it was: ``specversion`` a plain default, so omit_defaults dropped it."""

    id: str
    source: str
    type: str
    time: datetime
    tenantid: str
    specversion: str = "1.0"
    subject: str | None = None
    datacontenttype: str = "application/json"
    data: object = None


def _fields() -> dict[str, object]:
    return {
        "id": "0190f0c2-0000-7000-8000-000000000001",
        "source": "/nexus/crm",
        "type": "crm.contact.created.v1",
        "time": datetime(2024, 5, 1, 12, 0, tzinfo=UTC),
        "tenantid": "0190f0c2-0000-7000-8000-0000000000aa",
        "data": {"id": "c1"},
    }


def test_the_schema_refuses_the_old_envelope_without_specversion():
    old = msgspec.json.encode(_OldCloudEvent(**_fields()))  # type: ignore[arg-type]
    assert b"specversion" not in old
    assert any("specversion" in error for error in strict_errors(old))


@pytest.mark.parametrize(
    ("change", "attribute"),
    [
        ({"specversion": "0.3"}, "specversion"),
        ({"time": "2024-05-01 12:00"}, "time"),
        ({"tenant_id": "x"}, "tenant_id"),  # an underscore breaks the naming rule
        ({"data_base64": "AA=="}, "data"),  # data and data_base64 together
        ({"source": ""}, "source"),
    ],
)
def test_the_schema_refuses_what_the_spec_forbids(change, attribute):
    document = json.loads(encode_event(CloudEvent(**_fields())))  # type: ignore[arg-type]
    assert strict_errors(json.dumps(document).encode()) == []
    errors = strict_errors(json.dumps({**document, **change}).encode())
    assert any(attribute in error for error in errors), (change, errors)


def test_an_encoded_envelope_always_carries_every_required_attribute():
    raw = encode_event(CloudEvent(**_fields()))  # type: ignore[arg-type]
    assert strict_errors(raw) == []
    document = json.loads(raw)
    assert document["specversion"] == "1.0"
    assert document["datacontenttype"] == "application/json"
    assert "subject" not in document  # unset optional attributes are left out, not null


# --- the transports ---------------------------------------------------------------------


def test_outbox_rows_and_the_postgres_log_are_strict_cloudevents(nexus_database_url):
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    tenant = make_tenant(nexus_database_url)
    with create_test_client([ledger], database_url=nexus_database_url, settings=settings) as app:
        written = [_write(app, tenant, f"m{i}") for i in range(3)]
        outbox = _rows(nexus_database_url, "select envelope from nexus_event_outbox")
        assert len(outbox) >= 3
        for row in outbox:
            assert strict_errors(bytes(row["envelope"])) == []
        with EventWorkerHarness(app) as worker:
            worker.wait_handled("ledger", 3)
    # What the embedded bus's consumers read: the log, in position order.
    log = _rows(
        nexus_database_url,
        "select envelope from nexus_event_outbox where position is not null order by position",
    )
    ids = [json.loads(bytes(row["envelope"]))["id"] for row in log]
    assert set(written) <= set(ids)
    for row in log:
        assert strict_errors(bytes(row["envelope"])) == []


def _read_topic(bootstrap: str, topic: str, *, timeout: float = 20.0) -> list[object]:
    async def read() -> list[object]:
        consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, enable_auto_commit=False)
        await consumer.start()
        try:
            await consumer.topics()
            partitions = [TopicPartition(topic, p) for p in consumer.partitions_for_topic(topic)]
            consumer.assign(partitions)
            await consumer.seek_to_beginning(*partitions)
            ends = await consumer.end_offsets(partitions)
            records: list[object] = []
            async with asyncio.timeout(timeout):
                while [tp for tp in partitions if await consumer.position(tp) < ends[tp]]:
                    for batch in (await consumer.getmany(timeout_ms=200)).values():
                        records.extend(batch)
            return records
        finally:
            await consumer.stop()

    return run_sync(read())


def test_kafka_records_are_strict_cloudevents(nexus_database_url, nexus_kafka_broker):
    settings = Settings(
        database_url=nexus_database_url,
        log_level="warning",
        kafka_bootstrap=nexus_kafka_broker.bootstrap,
        kafka_idempotent=False,  # tansu refuses the idempotent producer
    )
    tenant = make_tenant(nexus_database_url)
    with (
        create_test_client([ledger], database_url=nexus_database_url, settings=settings) as app,
        EventWorkerHarness(app) as worker,
    ):
        written = [_write(app, tenant, f"k{i}") for i in range(3)]
        worker.wait_handled("ledger", 3)
    records = _read_topic(nexus_kafka_broker.bootstrap, topic_for("ledger"))
    assert len(records) == 3
    for record in records:
        assert dict(record.headers)["content-type"] == CONTENT_TYPE.encode()  # type: ignore[attr-defined]
        assert strict_errors(record.value) == []  # type: ignore[attr-defined]
    assert sorted(json.loads(r.value)["id"] for r in records) == sorted(written)  # type: ignore[attr-defined]
