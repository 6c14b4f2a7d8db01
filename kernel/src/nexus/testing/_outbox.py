"""The tenant's outbox in tests: what its transactions published, and an event put there.

:func:`outbox_events` reads the CloudEvents a tenant's transactions wrote; :func:`publish_event`
writes one as another plugin would, so a plugin's handlers of that plugin's events are
tested with the real relay and event worker without installing the upstream plugin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import asyncpg

from nexus.events import OutboxPublisher, decode_event
from nexus.settings import Settings
from nexus.testing._client import run_sync

if TYPE_CHECKING:
    from nexus.events import CloudEvent
    from nexus.testing._tenants import TestTenant

__all__ = ("outbox_events", "publish_event")


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


def publish_event(
    database_url: str,
    tenant: TestTenant | UUID,
    *,
    type: str,
    data: Any,
    source: str,
    subject: str | None = None,
    settings: Settings | None = None,
) -> str:
    """Publish one event into the tenant's outbox as plugin ``source``; return its id.

    The event is written as a plugin's handler or route would write it: by the kernel's
    outbox publisher, on a committed transaction of the API role with the tenant set (so
    row-level security applies), waking the relay. A running :class:`EventWorkerHarness`
    delivers it to every plugin that handles ``type``, exactly as if ``source`` had
    published it; ``source`` need not be installed. Use it to test a plugin's handlers of
    another plugin's events with payloads of that plugin's contract.

    Args:
        database_url: The test database (migrations must have run).
        tenant: The tenant the event belongs to (a :class:`TestTenant`, or its id).
        type: The event type (``payments.payment.confirmed.v1``).
        data: The payload, as the publishing plugin's contract shapes it (JSON-encodable).
        source: The publishing plugin's name (the envelope's source is ``/nexus/<source>``).
        subject: The envelope's subject, if any.
        settings: Kernel settings naming the API role; the defaults when ``None``.

    Returns:
        The event id.

    Example::

        with EventWorkerHarness(client) as worker:
            start = worker.handled["shop"]
            publish_event(url, tenant, type="payments.payment.failed.v1", data=failed,
                          source="payments")
            worker.wait_handled("shop", start + 1)
    """
    tenant_id = tenant if isinstance(tenant, UUID) else tenant.id
    role = (settings or Settings()).db_api_role
    publisher = OutboxPublisher(tenant_id=tenant_id, plugin=source)

    async def publish() -> str:
        conn = await asyncpg.connect(database_url, server_settings={"role": role})
        try:
            async with conn.transaction():
                await conn.execute("select set_config('nexus.tenant_id', $1, true)", str(tenant_id))
                return await publisher.publish(conn, type=type, data=data, subject=subject)
        finally:
            await conn.close()

    return run_sync(publish())
