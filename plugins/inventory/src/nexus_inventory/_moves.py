"""Creating draft moves: the request they come from, the product they name, their locations."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, invalid

from nexus_inventory._amounts import positive
from nexus_inventory._fields import Amount, CreateKind, Name, Reference, Sku
from nexus_inventory._stock import check_locations

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection

    from nexus_inventory._layout import Layout
    from nexus_inventory._settings import InventorySettings

__all__ = ("MoveCreate", "create_move", "find_product")


class MoveCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A stock move, kept as a draft unless ``validate`` is true.

    Name the product by ``product_id`` or ``sku``. For a receipt or an adjustment, an
    unknown ``sku`` with ``product_name`` creates the product. Locations default by kind:
    a receipt goes supplier → default stock, a delivery default stock → customer, an
    adjustment adjustment → default stock (set ``from_location_id`` to a stock location and
    ``to_location_id`` to the adjustment location to take stock out); an internal transfer
    names both.
    """

    kind: CreateKind
    quantity: Amount
    product_id: UUID | None = None
    sku: Sku | None = None
    product_name: Name | None = None
    from_location_id: UUID | None = None
    to_location_id: UUID | None = None
    unit_cost: Amount | None = None
    reference: Reference | None = None
    validate: bool = False


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
    product = await find_product(conn, product_id=data.product_id, sku=data.sku)
    if product is None:
        incoming = data.kind in ("receipt", "adjustment")
        if data.sku is None or data.product_name is None or not incoming:
            invalid("product_id" if data.product_id is not None else "sku", "no such product")
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
        invalid("product_id", "the product's quantities are not tracked")
    if not product["active"]:
        invalid("product_id", "the product is archived")
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

    What the body alone gets wrong (amounts, no product named, a transfer missing a side) is
    refused at once, every failing field listed; then the product and the locations are
    checked. Each refusal is a 422 problem naming its fields.
    """
    default_from, default_to = _default_locations(data.kind, layout)
    source = data.from_location_id or default_from
    target = data.to_location_id or default_to
    errors = FieldErrors()
    positive(errors, "quantity", data.quantity)
    if data.unit_cost is not None:
        positive(errors, "unit_cost", data.unit_cost, zero=True)
    if data.product_id is None and data.sku is None:
        errors.add("product_id", "name the product by product_id or sku")
    if source is None:
        errors.add("from_location_id", "an internal transfer names both locations")
    if target is None:
        errors.add("to_location_id", "an internal transfer names both locations")
    errors.raise_if_any()
    assert source is not None and target is not None  # raise_if_any refused them
    product = await _product_for(conn, data, settings)
    from_kind, _ = await check_locations(conn, data.kind, source, target)
    if data.unit_cost is not None and from_kind not in ("supplier", "adjustment"):
        invalid("unit_cost", "only incoming stock (a receipt, an adjustment in) has one")
    move_id = new_id()
    await conn.execute(
        "insert into inventory_move (id, kind, product_id, quantity, from_location_id, "
        "to_location_id, reference, origin, unit_cost) "
        "values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        move_id,
        data.kind,
        product["id"],
        data.quantity,
        source,
        target,
        data.reference,
        origin,
        data.unit_cost,
    )
    return move_id
