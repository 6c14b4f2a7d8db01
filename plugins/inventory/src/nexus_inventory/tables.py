"""The inventory tables (Piccolo), all tenant-owned.

The schema itself is created by the migration in ``migrations/``: composite foreign keys
``(tenant_id, …)`` keep every reference inside one tenant, and ``on delete cascade`` lets the
kernel purge a tenant's rows table by table.
"""

from __future__ import annotations

from nexus_hookspecs.piccolo import TenantOwned
from piccolo.columns import UUID, Boolean, Numeric, Text, Timestamptz
from piccolo.table import Table

__all__ = (
    "Location",
    "Move",
    "Product",
    "Quant",
    "ReorderRule",
    "Reservation",
    "ValuationEntry",
    "Warehouse",
)

_QTY = (20, 6)


class Product(TenantOwned, Table, tablename="inventory_product"):
    """A product: SKU unique per tenant, prices as Decimal + currency, average cost."""

    sku = Text()
    name = Text()
    uom = Text(default="unit")
    cost_price = Numeric(digits=_QTY)
    sale_price = Numeric(digits=_QTY)
    currency = Text()
    tracked = Boolean(default=True)
    active = Boolean(default=True)
    average_cost = Numeric(digits=_QTY)
    created_at = Timestamptz()


class Warehouse(TenantOwned, Table, tablename="inventory_warehouse"):
    """A warehouse with its stock location; one per tenant is the default."""

    code = Text()
    name = Text()
    stock_location_id = UUID(null=True)
    is_default = Boolean(default=False)
    created_at = Timestamptz()


class Location(TenantOwned, Table, tablename="inventory_location"):
    """An internal location (in a warehouse) or a virtual one (supplier, customer, adjustment)."""

    name = Text()
    kind = Text()
    warehouse_id = UUID(null=True)
    created_at = Timestamptz()


class Quant(TenantOwned, Table, tablename="inventory_quant"):
    """On hand of one product at one location; changed only by done moves."""

    product_id = UUID()
    location_id = UUID()
    quantity = Numeric(digits=_QTY)


class Move(TenantOwned, Table, tablename="inventory_move"):
    """A stock move: draft, then done (quantities change) or cancelled/failed; returns link back."""

    kind = Text()
    state = Text()
    product_id = UUID()
    quantity = Numeric(digits=_QTY)
    from_location_id = UUID()
    to_location_id = UUID()
    reference = Text(null=True)
    origin = Text(null=True)
    unit_cost = Numeric(digits=_QTY, null=True)
    value = Numeric(digits=_QTY, null=True)
    currency = Text(null=True)
    failure_reason = Text(null=True)
    created_at = Timestamptz()
    done_at = Timestamptz(null=True)
    return_of = UUID(null=True)
    backorder = Boolean(default=False)
    backorder_of = UUID(null=True)
    requested = Numeric(digits=_QTY, null=True)


class Reservation(TenantOwned, Table, tablename="inventory_reservation"):
    """Quantity of a product held at a location for a reference."""

    product_id = UUID()
    location_id = UUID()
    quantity = Numeric(digits=_QTY)
    reference = Text()
    state = Text()
    origin = Text(null=True)
    created_at = Timestamptz()


class ReorderRule(TenantOwned, Table, tablename="inventory_reorder_rule"):
    """Minimum and maximum on hand of a product at a location."""

    product_id = UUID()
    location_id = UUID()
    minimum = Numeric(digits=_QTY)
    maximum = Numeric(digits=_QTY)
    created_at = Timestamptz()


class ValuationEntry(TenantOwned, Table, tablename="inventory_valuation_entry"):
    """The value a done move added to (positive) or took from (negative) stock."""

    move_id = UUID()
    product_id = UUID()
    kind = Text()
    quantity = Numeric(digits=_QTY)
    unit_cost = Numeric(digits=_QTY)
    value = Numeric(digits=_QTY)
    currency = Text()
    created_at = Timestamptz()
