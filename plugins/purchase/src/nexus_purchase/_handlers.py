"""Event handlers: reorder rules draft requests for quotation.

``inventory.stock.low.v1`` (Inventory's event type only — no import of Inventory) adds the
product to its preferred vendor's open draft RFQ, or drafts one, once per product while a
draft holds it.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from nexus_purchase._events import ORDER_DRAFTED, OrderDrafted
from nexus_purchase._keys import REORDER_DRAFTS
from nexus_purchase._orders import insert_line, insert_order
from nexus_purchase._settings import PurchaseSettings

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("STOCK_LOW", "draft_for_low_stock")

STOCK_LOW = "inventory.stock.low.v1"
"""Inventory's event this plugin consumes."""

log = structlog.get_logger("nexus_purchase")


def _decimal(value: Any) -> Decimal | None:
    try:
        found = Decimal(str(value)) if value is not None else None
    except (InvalidOperation, ValueError):
        return None
    return found if found is not None and found.is_finite() else None


def _quantity(data: Mapping[str, Any]) -> Decimal | None:
    """The suggested quantity, else maximum − on hand (``max``/``maximum`` both read)."""
    suggested = _decimal(data.get("suggested_quantity"))
    if suggested is None:
        suggested = _decimal(data.get("suggested"))
    if suggested is None:
        maximum = _decimal(data.get("maximum", data.get("max")))
        on_hand = _decimal(data.get("on_hand"))
        if maximum is None or on_hand is None:
            return None
        suggested = maximum - on_hand
    return suggested if suggested > 0 else None


async def draft_for_low_stock(event: CloudEvent, ctx: EventContext) -> None:
    """Add a low product to its preferred vendor's open draft RFQ, or draft one.

    Nothing happens when ``purchase.reorder_drafts`` is off, the product has no vendor
    price, the quantity is not positive, or an open draft holds the product already (a
    redelivered or repeated event drafts nothing twice). Publishes
    ``purchase.order.drafted.v1``; nothing moves in stock or the ledger.
    """
    data: Mapping[str, Any] = event.data or {}
    if not await ctx.feature_enabled(REORDER_DRAFTS):
        return
    try:
        product_id = UUID(str(data.get("product_id")))
    except ValueError:
        return
    quantity = _quantity(data)
    if quantity is None:
        return
    conn = ctx.conn
    vendor = await conn.fetchrow(
        "select * from purchase_vendor_product where product_id = $1 "
        "order by preferred desc, price, created_at limit 1 for update",
        product_id,
    )
    if vendor is None:
        log.info("purchase.reorder.no_vendor", product_id=str(product_id))
        return
    # One low-stock event per vendor at a time: two products never open two drafts.
    await conn.execute(
        "select 1 from purchase_vendor where id = $1 for no key update", vendor["vendor_id"]
    )
    if await conn.fetchval(
        "select true from purchase_order_line l join purchase_order o on o.id = l.order_id "
        "where o.state = 'draft' and l.product_id = $1 limit 1",
        product_id,
    ):
        return
    found = await ctx.settings()
    settings = found if isinstance(found, PurchaseSettings) else PurchaseSettings()
    currency = vendor["currency"].strip()
    order = await conn.fetchrow(
        "select id, number from purchase_order where state = 'draft' and vendor_id = $1 "
        "and currency = $2 order by created_at limit 1 for update",
        vendor["vendor_id"],
        currency,
    )
    created = order is None
    if order is None:
        order_id, number = await insert_order(
            conn,
            vendor_id=vendor["vendor_id"],
            currency=currency,
            prefix=settings.order_prefix,
            origin="reorder",
        )
    else:
        order_id, number = order["id"], order["number"]
    sku = str(data.get("sku") or "") or None
    await insert_line(
        conn,
        order_id,
        product_id=product_id,
        sku=sku,
        tracked=True,
        description=f"{sku or product_id} (reorder)",
        quantity=quantity,
        unit_price=Decimal(vendor["price"]),
        tax_ids=None,
        expected_date=dt.date.today() + dt.timedelta(days=vendor["lead_time_days"]),
    )
    await ctx.events.publish(
        conn,
        type=ORDER_DRAFTED.type,
        data=OrderDrafted(
            order_id=order_id,
            number=number,
            vendor_id=vendor["vendor_id"],
            product_id=product_id,
            quantity=format(quantity.normalize(), "f"),
            created=created,
        ),
        subject=str(order_id),
    )
