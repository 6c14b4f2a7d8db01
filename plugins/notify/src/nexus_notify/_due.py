"""Due work: deliveries whose quiet hours ended or whose retry time came are queued again.

A loop (started by ``nexus_background``) asks ``notify_due_tenants()`` which tenants have
due deliveries, then, acting as each, moves them back to ``queued`` and publishes
``notify.delivery.queued.v1`` through the outbox: the send handler does the rest. It also
sends the SMS and WhatsApp deliveries the handler claimed (:mod:`nexus_notify._sender`).
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import structlog

from nexus_notify._events import DELIVERY_QUEUED, DeliveryQueued
from nexus_notify._sender import LEASE, send_claimed

if TYPE_CHECKING:
    from nexus_hookspecs import Background, Connection, EventPublisher

__all__ = ("DueLoop", "note_due", "requeue_due")

log = structlog.get_logger("nexus_notify")

_FAR = datetime(9999, 1, 1, tzinfo=UTC)


async def note_due(conn: Connection, at: datetime) -> None:
    """Tell the due-work loop this tenant has a delivery due at ``at`` (or earlier)."""
    await conn.execute("select notify_due_at($1, false)", at)


async def requeue_due(conn: Connection, events: EventPublisher, *, limit: int = 200) -> int:
    """Queue the tenant's due deliveries again; how many.

    It first takes the lock of the tenant's due row (a no-op note far ahead), so a handler
    claiming a delivery meanwhile either committed before (its row is seen below) or notes
    its time after this transaction (then it is the earlier one): the exact reset at the end
    never forgets a claim.
    """
    await conn.execute("select notify_due_at($1, false)", _FAR)
    rows = await conn.fetch(
        "update notify_delivery set state = 'queued', next_attempt_at = null, updated_at = now() "
        "where id in (select id from notify_delivery where state in ('scheduled', 'retrying') "
        "and next_attempt_at <= now() order by next_attempt_at limit $1 for update skip locked) "
        "returning id, message_id, channel",
        limit,
    )
    for row in rows:
        await events.publish(
            conn,
            type=DELIVERY_QUEUED,
            data=DeliveryQueued(
                delivery_id=row["id"], message_id=row["message_id"], channel=row["channel"]
            ),
            subject=str(row["id"]),
        )
    later = await conn.fetchval(
        "select min(at) from (select next_attempt_at as at from notify_delivery where state in "
        "('scheduled', 'retrying') union all select coalesce(called_at + $1::interval, "
        "sending_since) from notify_delivery where state = 'sending' and channel in "
        "('sms', 'whatsapp')) due",
        LEASE,
    )
    await conn.execute("select notify_due_at($1, true)", later)
    return len(rows)


class DueLoop:
    """Polls for due deliveries every ``interval`` seconds while the process runs.

    One task per running app (event loop): test processes start several apps.
    """

    def __init__(self, interval: float = 1.0) -> None:
        self.interval = interval
        self._tasks: dict[asyncio.AbstractEventLoop, asyncio.Task[None]] = {}

    def start(self, work: Background) -> None:
        """Start polling with the kernel's ``Background`` port, on the running loop."""
        loop = asyncio.get_running_loop()
        if loop not in self._tasks:
            self._tasks[loop] = loop.create_task(self._run(work))

    async def stop(self) -> None:
        """Stop this loop's polling."""
        task = self._tasks.pop(asyncio.get_running_loop(), None)
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def once(self, work: Background) -> int:
        """One pass over every tenant with due work; how many deliveries were queued or sent."""
        async with work.connection() as conn:
            rows = await conn.fetch("select notify_due_tenants() as tenant_id")
        tenants = [row["tenant_id"] for row in rows]
        queued = 0
        for tenant_id in tenants:
            try:
                async with work.as_tenant(tenant_id) as ctx:
                    queued += await requeue_due(ctx.conn, ctx.events)
                queued += await send_claimed(work, tenant_id)
            except LookupError:
                continue  # deprovisioned meanwhile
        return queued

    async def _run(self, work: Background) -> None:
        while True:
            try:
                await self.once(work)
            except Exception as exc:  # noqa: BLE001 - keep polling; the database may be back
                log.warning("notify due-work pass failed", error=repr(exc))
            await asyncio.sleep(self.interval)
