"""Creating moves (drafts) and reading them back; shared by the routes and the handlers."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

import msgspec

from nexus_inventory._common import invalid, money, new_id, not_found, positive, qty
from nexus_inventory._schemas import MoveCreate, MoveOut
from nexus_inventory._stock import check_locations

if TYPE_CHECKING:
    from collections.abc import Mapping
    from uuid import UUID

    from nexus_hookspecs import Connection

    from nexus_inventory._settings import InventorySettings
    from nexus_inventory._setup import Layout

__all__ = ("MOVE_SELECT", "create_move", "find_product", "move_out", "read_move")

MOVE_SELECT = (
    "select m.*, p.sku from inventory_move m join inventory_product p on p.id = m.product_id"
)


def move_out(row: Mapping[str, Any]) -> MoveOut:
    """A move row (with its product's ``sku``) as the API shows it."""
    values = dict(row)
    values["quantity"] = qty(Decimal(row["quantity"]))
    if row["unit_cost"] is not None:
        values["unit_cost"] = qty(Decimal(row["unit_cost"]))
    if row["value"] is not None:
        values["value"] = money(Decimal(row["value"]))
    if values["currency"] is not None:
        values["currency"] = values["currency"].strip()
    return msgspec.convert(values, MoveOut, strict=False)


async def read_move(conn: Connection, move_id: UUID) -> MoveOut:
    """One move, or a 404 problem."""
    row = await conn.fetchrow(f"{MOVE_SELECT} where m.id = $1", move_id)
    if row is None:
        raise not_found()
    return move_out(row)


async def find_product(
    conn: Connection, *, product_id: UUID | None, sku: str | None
) -> Mapping[str, Any] | None:
    """The product named by id (first) or SKU, or ``None``."""
    if product_id is not None:
        row = await conn.fetchrow("select * from inventory_product where id = $1", product_id)
        if row is not None or sku is None:
            return row
    if sku is not None:
        return await conn.fetchrow("select * from inventory_product where sku = $1", sku)
    return None


async def _product_for(
    conn: Connection, data: MoveCreate, settings: InventorySettings
) -> Mapping[str, Any]:
    if data.product_id is None and data.sku is None:
        raise invalid("product_id", "name the product by product_id or sku")
    product = await find_product(conn, product_id=data.product_id, sku=data.sku)
    if product is None:
        incoming = data.kind in ("receipt", "adjustment")
        if data.sku is None or data.product_name is None or not incoming:
            field = "product_id" if data.product_id is not None else "sku"
            raise invalid(field, "no such product")
        product = await conn.fetchrow(
            "insert into inventory_product (id, sku, name, uom, cost_price, currency) "
            "values ($1, $2, $3, $4, $5, $6) "
            "on conflict (tenant_id, sku) do update set sku = excluded.sku returning *",
            new_id(),
            data.sku,
            data.product_name,
            settings.default_uom,
            data.unit_cost or Decimal(0),
            settings.valuation_currency,
        )
        assert product is not None
    if not product["tracked"]:
        raise invalid("product_id", "the product's quantities are not tracked")
    if not product["active"]:
        raise invalid("product_id", "the product is archived")
    return product


def _default_locations(kind: str, layout: Layout) -> tuple[UUID | None, UUID | None]:
    return {
        "receipt": (layout.supplier, layout.stock),
        "delivery": (layout.stock, layout.customer),
        "adjustment": (layout.adjustment, layout.stock),
        "internal": (None, None),
    }[kind]


async def create_move(
    conn: Connection,
    data: MoveCreate,
    *,
    settings: InventorySettings,
    layout: Layout,
    origin: str | None = None,
) -> UUID:
    """Check and store a draft move; return its id.

    Raises:
        ValidationException: a 422 problem naming the field at fault.
    """
    quantity = positive("quantity", data.quantity)
    if data.unit_cost is not None:
        positive("unit_cost", data.unit_cost, zero=True)
    product = await _product_for(conn, data, settings)
    default_from, default_to = _default_locations(data.kind, layout)
    source = data.from_location_id or default_from
    target = data.to_location_id or default_to
    if source is None:
        raise invalid("from_location_id", "an internal transfer names both locations")
    if target is None:
        raise invalid("to_location_id", "an internal transfer names both locations")
    from_kind, _ = await check_locations(conn, data.kind, source, target)
    if data.unit_cost is not None and from_kind not in ("supplier", "adjustment"):
        raise invalid("unit_cost", "only incoming stock (a receipt, an adjustment in) has one")
    move_id = new_id()
    await conn.execute(
        "insert into inventory_move (id, kind, product_id, quantity, from_location_id, "
        "to_location_id, reference, origin, unit_cost) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        move_id,
        data.kind,
        product["id"],
        quantity,
        source,
        target,
        data.reference,
        origin,
        data.unit_cost,
    )
    return move_id
