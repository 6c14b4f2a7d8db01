"""The embedded bus: the outbox is the log, offsets live in PostgreSQL, NOTIFY wakes readers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.events._consumers import decode_row

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase
    from nexus.events._consumers import Consumer, Delivery

__all__ = ("LOG_CHANNEL", "PostgresBus")

LOG_CHANNEL = "nexus_events"
"""NOTIFY channel that wakes consumers when the relay appended to the log."""

# Positions are handed out by one relay at a time (the advisory lock), in outbox order,
# after commit: a consumer's offset can never pass an event that is not in the log yet.
_LOCK_KEY = 0x6E65787573 + 1
_APPEND = f"""
with batch as (
    select tenant_id, id, row_number() over (order by seq) as n
      from nexus_event_outbox
     where published_at is null
     order by seq
     limit $1
), base as (
    select coalesce(max(position), 0) as top from nexus_event_outbox where position is not null
), appended as (
    update nexus_event_outbox o
       set position = base.top + batch.n, published_at = now()
      from batch, base
     where o.tenant_id = batch.tenant_id and o.id = batch.id
    returning 1
)
select count(*) as appended, pg_notify('{LOG_CHANNEL}', '') from appended
"""
_READ = (
    "select position, envelope from nexus_event_outbox where position > $1 "
    "order by position limit $2"
)


class PostgresBus:
    """Relay and consumer groups on PostgreSQL alone.

    Args:
        relay_db: A database acting as the relay role (reads the outbox across tenants).
        batch: Most events appended or consumed at once.
    """

    name = "postgres"

    def __init__(self, relay_db: PostgresDatabase, *, batch: int = 500) -> None:
        self.relay_db = relay_db
        self.batch = batch

    async def start(self) -> None:
        """Nothing to connect beyond the database."""

    async def stop(self) -> None:
        """Nothing to disconnect."""

    async def relay_once(self) -> int:
        """Append a batch of committed outbox events to the log; return how many."""
        async with self.relay_db.transaction() as conn:
            await conn.execute("select pg_advisory_xact_lock($1)", _LOCK_KEY)
            row = await conn.fetchrow(_APPEND, self.batch)
        return int(row["appended"]) if row else 0

    async def consume_once(self, consumer: Consumer, delivery: Delivery) -> int:
        """Deliver the group's next batch and move its offset; return how many were read.

        The group's offset row is locked ``FOR UPDATE SKIP LOCKED`` for the batch: several
        workers may run the same group, one of them reads at a time, in log order. A worker
        killed mid-batch leaves the offset where it was; the batch is read again and the
        inbox skips what was already handled.
        """
        async with self.relay_db.transaction() as conn:
            await conn.execute(
                "insert into nexus_event_offset (consumer) values ($1) on conflict do nothing",
                consumer.name,
            )
            offset = await conn.fetchval(
                "select position from nexus_event_offset where consumer = $1 "
                "for update skip locked",
                consumer.name,
            )
            if offset is None:
                return 0  # another worker holds this group
            rows = await conn.fetch(_READ, offset, self.batch)
            await delivery.deliver_many(consumer, [decode_row(row) for row in rows])
            if rows:
                await conn.execute(
                    "update nexus_event_offset set position = $2, updated_at = now() "
                    "where consumer = $1",
                    consumer.name,
                    rows[-1]["position"],
                )
        return len(rows)
