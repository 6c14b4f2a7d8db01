"""The kernel's own consumers: the audit log and per-tenant analytics counters."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from nexus.events._consumers import Consumer

if TYPE_CHECKING:
    import asyncpg

    from nexus.events._envelope import CloudEvent

__all__ = ("analytics_consumer", "audit_consumer")

_ENCODER = msgspec.json.Encoder()


async def _audit(event: CloudEvent, conn: asyncpg.Connection) -> None:
    # The audit entry's id is the event id: an entry the kernel already wrote in the
    # event's own transaction (feature changes do) is not written twice.
    await conn.execute(
        "insert into nexus_audit_log (tenant_id, id, actor, action, target, after, created_at) "
        "values ($1, $2, $3, $4, $5, $6::jsonb, $7) on conflict (tenant_id, id) do nothing",
        UUID(event.tenantid),
        UUID(event.id),
        event.source,
        event.type,
        event.subject or "",
        _ENCODER.encode(_as_object(event.data)).decode() if event.data is not None else None,
        event.time,
    )


def _as_object(data: object) -> object:
    return data if isinstance(data, dict) else {"data": data}


async def _count(event: CloudEvent, conn: asyncpg.Connection) -> None:
    await conn.execute(
        "insert into nexus_event_count (tenant_id, day, type, count) values ($1, $2, $3, 1) "
        "on conflict (tenant_id, day, type) do update set count = nexus_event_count.count + 1",
        UUID(event.tenantid),
        event.time.date(),
        event.type,
    )


def audit_consumer() -> Consumer:
    """Every event, into the tenant's audit log (``GET /api/v1/audit-log``)."""
    return Consumer(name="audit", handlers={"*": [_audit]})


def analytics_consumer() -> Consumer:
    """Events per type per day, per tenant (``GET /api/v1/analytics/events``)."""
    return Consumer(name="analytics", handlers={"*": [_count]})
