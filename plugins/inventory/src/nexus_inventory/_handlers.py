"""Event handlers: deliveries for posted invoices, under the tenant's oversell policy."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from nexus_hookspecs import new_id

from nexus_inventory._amounts import qty
from nexus_inventory._events import DELIVERY_FAILED, DeliveryFailed
from nexus_inventory._keys import DELIVER_ON_INVOICE, VALUATION
from nexus_inventory._layout import read_layout
from nexus_inventory._moves import find_product
from nexus_inventory._settings import InventorySettings
from nexus_inventory._stock import InsufficientStock, validate_draft

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, Connection, EventContext

__all__ = ("INVOICE_POSTED", "deliver_invoice")

INVOICE_POSTED = "finance.invoice.posted.v1"
"""Finance's event this plugin consumes (no import of Finance: only its event type)."""

log = structlog.get_logger("nexus_inventory")


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


def _quantity(value: Any) -> Decimal | None:
    try:
        quantity = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return quantity if quantity.is_finite() and quantity > 0 else None


async def deliver_invoice(event: CloudEvent, ctx: EventContext) -> None:
    """Deliver the products of a posted customer invoice from the default warehouse.

    One delivery per invoice line naming a tracked inventory product (by ``product_id``,
    else ``sku``), with the invoice number as reference and ``finance.invoice_line:<id>``
    as origin: a redelivered event or a repeated line id makes no second move. Invoices
    drafted by the Sales or Shop plugin (``source_ref`` starting with ``sales.`` or
    ``shop.``) are skipped: their orders deliver explicitly. A line stock cannot cover
    follows the tenant's ``oversell_policy``: ``refuse`` delivers nothing of it, records
    the move ``failed`` with its reason and publishes ``inventory.delivery.failed.v1``;
    ``backorder`` delivers what is available and leaves the rest as a draft backorder
    delivery. The other lines are delivered either way.
    """
    data: Mapping[str, Any] = event.data or {}
    if data.get("kind") != "invoice":
        return
    if str(data.get("source_ref") or "").startswith(("sales.", "shop.")):
        return  # a Sales or Shop order's invoice: the order delivers, not the invoice
    if not await ctx.feature_enabled(DELIVER_ON_INVOICE):
        return
    found = await ctx.settings()
    settings = found if isinstance(found, InventorySettings) else InventorySettings()
    valuation = await ctx.feature_enabled(VALUATION)
    conn = ctx.conn
    layout = await read_layout(conn)
    for index, line in enumerate(data.get("lines") or []):
        if not isinstance(line, dict):
            continue
        product = await find_product(
            conn, product_id=_uuid(line.get("product_id")), sku=line.get("sku") or None
        )
        quantity = _quantity(line.get("quantity"))
        if product is None or not product["tracked"] or quantity is None:
            continue
        line_id = line.get("id") or f"{data.get('id')}/{index}"
        origin = f"finance.invoice_line:{line_id}"
        move_id = await conn.fetchval(
            "insert into inventory_move (id, kind, product_id, quantity, from_location_id, "
            "to_location_id, reference, origin, requested) "
            "values ($1, 'delivery', $2, $3, $4, $5, $6, $7, $3) "
            "on conflict (tenant_id, origin) where origin is not null do nothing returning id",
            new_id(),
            product["id"],
            quantity,
            layout.stock,
            layout.customer,
            data.get("number"),
            origin,
        )
        if move_id is None:
            continue  # delivered (or refused) before
        try:
            await validate_draft(conn, ctx.events, move_id, settings=settings, valuation=valuation)
        except InsufficientStock as short:
            if settings.oversell_policy == "backorder":
                await _backorder(conn, ctx, move_id, short, settings=settings, valuation=valuation)
            else:
                await _refuse(conn, ctx, move_id, short, product=product)
            log.warning(
                "delivery for an invoice line short of stock",
                tenant_id=str(ctx.tenant_id),
                invoice=data.get("number"),
                sku=product["sku"],
                policy=settings.oversell_policy,
                reason=short.reason,
            )


async def _refuse(
    conn: Connection,
    ctx: EventContext,
    move_id: UUID,
    short: InsufficientStock,
    *,
    product: Mapping[str, Any],
) -> None:
    """Record the delivery ``failed`` with its reason and publish the failure."""
    move = await conn.fetchrow(
        "update inventory_move set state = 'failed', failure_reason = $2 where id = $1 "
        "returning reference, origin",
        move_id,
        short.reason,
    )
    assert move is not None
    failed = DeliveryFailed(
        move_id=move_id,
        product_id=product["id"],
        sku=product["sku"],
        location_id=short.location_id,
        on_hand=qty(short.on_hand),
        available=qty(short.available),
        requested=qty(short.requested),
        reference=move["reference"],
        origin=move["origin"],
        reason=short.reason,
    )
    await ctx.events.publish(conn, type=DELIVERY_FAILED.type, data=failed, subject=str(move_id))


async def _backorder(
    conn: Connection,
    ctx: EventContext,
    move_id: UUID,
    short: InsufficientStock,
    *,
    settings: InventorySettings,
    valuation: bool,
) -> None:
    """Deliver what is available; leave the rest as a draft backorder delivery.

    With nothing available the move itself stays a draft, marked ``backorder``. The
    product row and quants stay locked by the refused validation, so what was available
    still is.
    """
    if short.available <= 0:
        await conn.execute("update inventory_move set backorder = true where id = $1", move_id)
        return
    rest = short.requested - short.available
    await conn.execute(
        "update inventory_move set quantity = $2 where id = $1", move_id, short.available
    )
    done = await validate_draft(conn, ctx.events, move_id, settings=settings, valuation=valuation)
    await conn.execute(
        "insert into inventory_move (id, kind, product_id, quantity, from_location_id, "
        "to_location_id, reference, origin, backorder, backorder_of) "
        "values ($1, 'delivery', $2, $3, $4, $5, $6, $7, true, $8)",
        new_id(),
        done["product_id"],
        rest,
        done["from_location_id"],
        done["to_location_id"],
        done["reference"],
        f"{done['origin']}/backorder" if done["origin"] else None,
        move_id,
    )
