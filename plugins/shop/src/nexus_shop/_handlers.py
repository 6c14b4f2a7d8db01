"""Event handlers: Payments' confirmed and failed payments of shop orders.

Only events whose ``source`` is ``shop`` are Shop's; their ``source_ref`` is the order id.
A redelivered confirmation changes nothing (the order keeps the payment's id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
import structlog

from nexus_shop._events import PaymentConfirmed, PaymentFailed
from nexus_shop._orders import pay_order
from nexus_shop._settings import ShopSettings

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("payment_confirmed", "payment_failed")

log = structlog.get_logger("nexus_shop")


def _order_id(source_ref: str) -> UUID | None:
    try:
        return UUID(source_ref)
    except ValueError:
        return None


async def _settings(ctx: EventContext) -> ShopSettings:
    found = await ctx.settings()
    return found if isinstance(found, ShopSettings) else ShopSettings()


async def payment_confirmed(event: CloudEvent, ctx: EventContext) -> None:
    """Mark the order paid and deliver its goods (``inventory.deliver``)."""
    data = msgspec.convert(event.data or {}, PaymentConfirmed, strict=False)
    order_id = _order_id(data.source_ref)
    if data.source != "shop" or order_id is None:
        return
    changed = await pay_order(
        ctx.conn,
        ctx.events,
        ctx.services,
        await _settings(ctx),
        order_id=order_id,
        amount=data.amount,
        currency=data.currency,
        payment_id=data.payment_id,
        method="online",
    )
    log.info("order payment confirmed", order_id=str(order_id), changed=changed)


async def payment_failed(event: CloudEvent, ctx: EventContext) -> None:
    """Record why the payment failed; the order waits for another attempt until it expires."""
    data = msgspec.convert(event.data or {}, PaymentFailed, strict=False)
    order_id = _order_id(data.source_ref)
    if data.source != "shop" or order_id is None:
        return
    await ctx.conn.execute(
        "update shop_order set payment_error = $2 where id = $1 and status = 'pending_payment'",
        order_id,
        f"{data.provider}: {data.reason}".strip(": ") or "payment failed",
    )
