"""Event handlers: deliveries for posted invoices (``inventory.deliver_on_invoice``)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from nexus_hookspecs import new_id

from nexus_inventory._keys import DELIVER_ON_INVOICE, VALUATION
from nexus_inventory._layout import read_layout
from nexus_inventory._moves import find_product
from nexus_inventory._settings import InventorySettings
from nexus_inventory._stock import InsufficientStock, validate_draft

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

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
    as origin: a redelivered event or a repeated line id makes no second move. A line
    that stock cannot cover (negative stock not allowed) is recorded as a ``failed`` move
    with the reason, and logged; the other lines are still delivered.
    """
    data: Mapping[str, Any] = event.data or {}
    if data.get("kind") != "invoice":
        return
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
            "to_location_id, reference, origin) values ($1, 'delivery', $2, $3, $4, $5, $6, $7) "
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
            reason = short.reason
            await conn.execute(
                "update inventory_move set state = 'failed', failure_reason = $2 where id = $1",
                move_id,
                reason,
            )
            log.warning(
                "delivery for an invoice line refused",
                tenant_id=str(ctx.tenant_id),
                invoice=data.get("number"),
                sku=product["sku"],
                reason=reason,
            )
