"""Dead letters: list the parked events, and hand them to their consumer again."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from nexus.events._consumers import decode_row

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase
    from nexus.events._consumers import Consumer, Delivery

__all__ = ("DeadLetter", "dead_letters", "redrive")


class DeadLetter(msgspec.Struct, frozen=True, kw_only=True):
    """An event a consumer gave up on, with the last error."""

    tenant_id: UUID
    consumer: str
    event_id: UUID
    type: str
    error: str
    attempts: int
    failed_at: datetime


async def dead_letters(
    relay_db: PostgresDatabase, *, consumer: str | None = None
) -> list[DeadLetter]:
    """Every parked event (all tenants: ``relay_db`` acts as the relay role), oldest first."""
    async with relay_db.transaction() as conn:
        rows = await conn.fetch(
            "select tenant_id, consumer, event_id, type, error, attempts, failed_at "
            "from nexus_event_dead_letter where ($1::text is null or consumer = $1) "
            "order by failed_at, event_id",
            consumer,
        )
    return [DeadLetter(**dict(row)) for row in rows]


async def redrive(
    relay_db: PostgresDatabase,
    delivery: Delivery,
    consumers: list[Consumer],
    *,
    consumer: str | None = None,
    event_id: UUID | None = None,
) -> tuple[int, int]:
    """Run each parked event (optionally one consumer's, or one event) through its consumer.

    An event handled now leaves the dead-letter table; one that fails again stays, with its
    attempts counted up. Returns ``(redriven, still_failing)``.
    """
    by_name = {c.name: c for c in consumers}
    async with relay_db.transaction() as conn:
        rows = await conn.fetch(
            "select tenant_id, consumer, event_id, envelope from nexus_event_dead_letter "
            "where ($1::text is null or consumer = $1) and ($2::uuid is null or event_id = $2) "
            "order by failed_at, event_id",
            consumer,
            event_id,
        )
    done = failed = 0
    for row in rows:
        target = by_name.get(row["consumer"])
        if target is None:
            failed += 1
            continue
        event = decode_row(row)
        try:
            await delivery.handle(target, event)
        except Exception as exc:  # noqa: BLE001 - recorded on the dead letter
            await delivery.park(target, event, repr(exc), 1)
            failed += 1
            continue
        async with relay_db.transaction() as conn:
            await conn.execute(
                "delete from nexus_event_dead_letter where tenant_id = $1 and consumer = $2 "
                "and event_id = $3",
                row["tenant_id"],
                row["consumer"],
                row["event_id"],
            )
        done += 1
    return done, failed
