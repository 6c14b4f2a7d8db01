"""What a tenant's transactions published: the CloudEvents in the outbox, decoded."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import asyncpg

from nexus.events import decode_event
from nexus.testing._client import run_sync

if TYPE_CHECKING:
    from nexus.events import CloudEvent
    from nexus.testing._tenants import TestTenant

__all__ = ("outbox_events",)


def outbox_events(
    database_url: str, tenant: TestTenant | UUID, event_type: str | None = None
) -> list[CloudEvent]:
    """The CloudEvents the tenant's transactions wrote to the outbox, oldest first.

    The outbox is read as the database owner, so events are seen whether or not the relay
    has published them yet; no event worker is needed.

    Args:
        database_url: The test database (owner credentials, as the fixtures give).
        tenant: The tenant (a :class:`TestTenant`, or its id).
        event_type: Only events of this type (``crm.deal.won.v1``); every type when ``None``.

    Returns:
        The decoded events: ``.type``, ``.subject``, ``.data`` and the other envelope fields.

    Example::

        client.post("/api/v1/crm/deals/{id}/win", headers=tenant.headers)
        [won] = outbox_events(url, tenant, "crm.deal.won.v1")
        assert won.data["id"] == deal_id
    """
    tenant_id = tenant if isinstance(tenant, UUID) else tenant.id

    async def read() -> list[bytes]:
        conn = await asyncpg.connect(database_url)
        try:
            rows = await conn.fetch(
                "select envelope from nexus_event_outbox where tenant_id = $1 "
                "and ($2::text is null or type = $2) order by seq",
                tenant_id,
                event_type,
            )
        finally:
            await conn.close()
        return [bytes(row["envelope"]) for row in rows]

    return [decode_event(raw) for raw in run_sync(read())]
