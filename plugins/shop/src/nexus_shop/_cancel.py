"""Cancelling orders: by staff, or by the expiry sweep once unpaid past their time.

Cancelling releases the order's reservation (``inventory.release``), credits its invoice
in full (``finance.documents.credit``, posted and matched against it), gives the discount
code's use back, publishes ``shop.order.cancelled.v1`` and tells the customer.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from nexus_hookspecs.http import conflict, not_found

from nexus_shop import _peers
from nexus_shop._events import ORDER_CANCELLED, OrderCancelled
from nexus_shop._notices import notify_customer
from nexus_shop._orders import origin

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_shop._settings import ShopSettings

__all__ = ("cancel_order", "expire")


async def cancel_order(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: ShopSettings,
    *,
    order_id: UUID,
    reason: str,
) -> None:
    """Cancel an unpaid order: release its stock, credit its invoice (409 once paid)."""
    order = await conn.fetchrow("select * from shop_order where id = $1 for update", order_id)
    if order is None:
        not_found()
    if order["status"] == "cancelled":
        return
    if order["status"] != "pending_payment":
        conflict(f"order {order['number']} is {order['status']}: refund it instead")
    ref = origin(order_id)
    await _peers.release(conn, services, origin=ref)
    credit_id = None
    if order["invoice_id"] is not None:
        note = await _peers.credit(
            conn,
            services,
            invoice_id=order["invoice_id"],
            reason=f"Order {order['number']} cancelled: {reason}",
            source_ref=f"{ref}:cancel",
        )
        credit_id = note.id
    await conn.execute(
        "update shop_order set status = 'cancelled', cancelled_at = now(), cancel_reason = $2, "
        "credit_note_id = $3 where id = $1",
        order_id,
        reason,
        credit_id,
    )
    if order["discount_id"] is not None:
        await conn.execute(
            "update shop_discount set used = greatest(used - 1, 0) where id = $1",
            order["discount_id"],
        )
    cancelled = OrderCancelled(
        order_id=order_id, number=order["number"], reason=reason, credit_note_id=credit_id
    )
    await events.publish(conn, type=ORDER_CANCELLED, data=cancelled, subject=str(order_id))
    row = await conn.fetchrow("select * from shop_order where id = $1", order_id)
    await notify_customer(
        conn,
        services,
        settings,
        order=row,
        what="cancelled",
        subject=f"Order {order['number']} is cancelled",
        text=f"Your order {order['number']} was cancelled ({reason}).",
    )


async def expire(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: ShopSettings,
    *,
    now: datetime | None = None,
) -> tuple[int, int]:
    """Cancel unpaid orders past their time and abandon stale carts; how many of each.

    Cash-on-delivery orders wait for the staff instead. Rows another sweep holds are
    skipped (``skip locked``), so two processes never cancel one order twice.
    """
    moment = now or datetime.now(UTC)
    due = await conn.fetch(
        "select id from shop_order where status = 'pending_payment' "
        "and payment_method <> 'cash_on_delivery' and expires_at <= $1 "
        "order by expires_at for update skip locked",
        moment,
    )
    for row in due:
        await cancel_order(conn, events, services, settings, order_id=row["id"], reason="expired")
    abandoned = await conn.fetch(
        "update shop_cart set status = 'abandoned' where status = 'open' and updated_at <= $1 "
        "returning id",
        moment - timedelta(days=settings.cart_days),
    )
    return len(due), len(abandoned)
