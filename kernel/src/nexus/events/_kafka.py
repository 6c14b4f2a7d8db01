"""The Kafka bus: a relay publishing the outbox with aiokafka, consumers in Kafka groups."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import TYPE_CHECKING, Any

import structlog
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer  # type: ignore[import-untyped]
from aiokafka.admin import AIOKafkaAdminClient, NewTopic  # type: ignore[import-untyped]
from aiokafka.errors import (  # type: ignore[import-untyped]
    KafkaConnectionError,
    TopicAlreadyExistsError,
)

from nexus.events._envelope import CONTENT_TYPE, decode_event, topic_for
from nexus.observability import set_consumer_lag

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nexus.db import PostgresDatabase
    from nexus.events._consumers import Consumer, Delivery

__all__ = ("IdempotenceRefusedError", "KafkaBus", "ensure_topics")

log = structlog.get_logger("nexus.events")


class _OutageOnce(logging.Filter):
    """Drop aiokafka's error line per failed connection attempt.

    Retried with backoff, they would repeat for as long as a broker is down; the worker
    logs the outage once instead (``dependency down``, then ``dependency up``).
    """

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith(("Unable connect to", "Unable to connect to"))


logging.getLogger("aiokafka").addFilter(_OutageOnce())

_HEADERS = [("content-type", CONTENT_TYPE.encode())]
_CLAIM = (
    "select tenant_id, id, plugin, envelope from nexus_event_outbox "
    "where published_at is null order by seq limit $1 for update skip locked"
)
_MARK = (
    "update nexus_event_outbox set published_at = now() "
    "where (tenant_id, id) in (select * from unnest($1::uuid[], $2::uuid[]))"
)


class IdempotenceRefusedError(RuntimeError):
    """The broker answered but refused to start the idempotent producer."""


async def ensure_topics(
    bootstrap: str, plugins: Iterable[str], *, partitions: int = 3
) -> list[str]:
    """Create ``nexus.<plugin>`` for each plugin that has none yet; return the topics."""
    topics = sorted({topic_for(plugin) for plugin in plugins})
    admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap)
    await admin.start()
    try:
        existing = set(await admin.list_topics())
        missing = [t for t in topics if t not in existing]
        if missing:
            # Another process may make them first.
            with contextlib.suppress(TopicAlreadyExistsError):
                await admin.create_topics(
                    [NewTopic(t, num_partitions=partitions, replication_factor=1) for t in missing]
                )
    finally:
        await admin.close()
    return topics


class KafkaBus:
    """The relay and the consumer groups on Kafka.

    Records are keyed by tenant id, so one tenant's events keep their order in a partition;
    values are structured-mode CloudEvents JSON (``content-type`` header says so).

    Args:
        relay_db: A database acting as the relay role (reads the outbox across tenants).
        bootstrap: Kafka bootstrap servers.
        plugins: Every publisher's name (a topic each).
        idempotent: Use the idempotent producer.
        batch: Most events relayed, or consumed, at once.
    """

    name = "kafka"

    def __init__(
        self,
        relay_db: PostgresDatabase,
        *,
        bootstrap: str,
        plugins: Iterable[str],
        idempotent: bool = True,
        batch: int = 500,
    ) -> None:
        self.relay_db = relay_db
        self.bootstrap = bootstrap
        self.plugins = sorted(set(plugins))
        self.idempotent = idempotent
        self.batch = batch
        self.topics: list[str] = []
        self._producer: AIOKafkaProducer | None = None
        self._consumers: dict[str, AIOKafkaConsumer] = {}

    async def start(self) -> None:
        """Create the topics and connect the producer."""
        await self._connect_producer()

    async def _connect_producer(self) -> None:
        # After an outage the broker may have lost its topics (a memory-only broker does).
        self.topics = await ensure_topics(self.bootstrap, self.plugins)
        options: dict[str, Any] = {"enable_idempotence": True} if self.idempotent else {}
        producer = AIOKafkaProducer(
            bootstrap_servers=self.bootstrap, acks="all", linger_ms=2, **options
        )
        try:
            await producer.start()
        except KafkaConnectionError:
            await producer.stop()
            raise
        except Exception as exc:
            await producer.stop()
            if self.idempotent:
                # The broker answered (the topics exist) but refused the producer id.
                raise IdempotenceRefusedError(
                    f"the broker refused the idempotent producer ({exc!r}); if it does not "
                    "support idempotence, set NEXUS_KAFKA_IDEMPOTENT=false"
                ) from exc
            raise
        except BaseException:
            await producer.stop()
            raise
        self._producer = producer

    async def stop(self) -> None:
        """Disconnect the producer and every consumer."""
        for consumer in self._consumers.values():
            await consumer.stop()
        self._consumers.clear()
        if self._producer is not None:
            await self._producer.stop()
            self._producer = None

    async def relay_once(self) -> int:
        """Publish a batch of unpublished outbox events; mark them once Kafka acknowledged.

        The rows stay claimed (``FOR UPDATE SKIP LOCKED``, so several relays share the work)
        until every record of the batch is acknowledged; if the broker or the relay fails
        first, the transaction rolls back and the batch is published again later: at least
        once, the consumers' inbox removes the duplicates.
        """
        if self._producer is None:
            await self._connect_producer()
        producer = self._producer
        assert producer is not None
        async with self.relay_db.transaction() as conn:
            rows = await conn.fetch(_CLAIM, self.batch)
            if not rows:
                return 0
            try:
                sent = [
                    await producer.send(
                        topic_for(row["plugin"]),
                        value=bytes(row["envelope"]),
                        key=str(row["tenant_id"]).encode(),
                        headers=_HEADERS,
                    )
                    for row in rows
                ]
                await asyncio.gather(*sent)
            except BaseException:
                # A producer that failed mid-batch may hold records it will never deliver;
                # start over with a fresh one on the next attempt.
                self._producer = None
                await producer.stop()
                raise
            await conn.execute(
                _MARK, [row["tenant_id"] for row in rows], [row["id"] for row in rows]
            )
        return len(rows)

    async def _consumer(self, group: str) -> AIOKafkaConsumer:
        consumer = self._consumers.get(group)
        if consumer is None:
            if not self.topics:  # the broker was down when the worker started
                self.topics = await ensure_topics(self.bootstrap, self.plugins)
            consumer = AIOKafkaConsumer(
                *self.topics,
                bootstrap_servers=self.bootstrap,
                group_id=f"nexus.{group}",
                enable_auto_commit=False,
                auto_offset_reset="earliest",
                # The broker answers a fetch as soon as a record arrives or after this wait:
                # short, so a quiet partition does not hold up a fresh event for long.
                fetch_max_wait_ms=20,
            )
            await consumer.start()
            self._consumers[group] = consumer
        return consumer

    async def consume_once(self, consumer: Consumer, delivery: Delivery) -> int:
        """Deliver what the group's next fetch returns, then commit its offsets."""
        kafka = await self._consumer(consumer.name)
        try:
            batches = await kafka.getmany(timeout_ms=200, max_records=self.batch)
            records = [record for batch in batches.values() for record in batch]
            count = len(records)
            await delivery.deliver_many(
                consumer, [decode_event(r.value) for r in records if r.value is not None]
            )
            if count:
                await kafka.commit()
            lag = 0
            for partition in kafka.assignment():
                highwater = kafka.highwater(partition)
                if highwater is not None:
                    lag += max(highwater - await kafka.position(partition), 0)
            set_consumer_lag(consumer.name, lag)
        except BaseException:
            # Rejoin with a fresh consumer: uncommitted records are fetched again, and the
            # inbox skips what was already handled.
            del self._consumers[consumer.name]
            await kafka.stop()
            raise
        return count
