"""Request and response bodies. Quantities and money travel as decimal strings."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec

__all__ = (
    "LocationChanges",
    "LocationCreate",
    "LocationOut",
    "LocationStock",
    "MoveCreate",
    "MoveOut",
    "ProductChanges",
    "ProductCreate",
    "ProductOut",
    "ReservationCreate",
    "ReservationOut",
    "RuleChanges",
    "RuleCreate",
    "RuleOut",
    "StockOut",
    "ValuationLine",
    "ValuationOut",
    "WarehouseChanges",
    "WarehouseCreate",
    "WarehouseOut",
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Oak desk"])]
Sku = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^\S+$", examples=["DESK-1"])
]
Code = Annotated[
    str,
    msgspec.Meta(min_length=1, max_length=16, pattern=r"^[A-Za-z0-9_-]+$", examples=["WH"]),
]
Uom = Annotated[str, msgspec.Meta(min_length=1, max_length=32, examples=["unit"])]
Currency = Annotated[
    str, msgspec.Meta(pattern="^[A-Z]{3}$", description="ISO 4217 code", examples=["USD"])
]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["SO-1001"])]
Amount = Annotated[
    Decimal, msgspec.Meta(description='A decimal string, e.g. "12.50"', examples=["12.50"])
]
MoveKind = Literal["receipt", "delivery", "internal", "adjustment"]


class ProductCreate(msgspec.Struct, kw_only=True):
    """A new product. Without ``sku`` one is generated (``P-…``)."""

    name: Name
    sku: Sku | None = None
    uom: Uom | None = None
    cost_price: Amount = Decimal(0)
    sale_price: Amount = Decimal(0)
    currency: Currency | None = None
    tracked: bool = True


class ProductChanges(msgspec.Struct, kw_only=True):
    """Some fields of a product; omitted ones stay as they are."""

    name: Name | None = None
    sku: Sku | None = None
    uom: Uom | None = None
    cost_price: Amount | None = None
    sale_price: Amount | None = None
    currency: Currency | None = None
    tracked: bool | None = None
    active: bool | None = None


class ProductOut(msgspec.Struct, kw_only=True):
    """A product. ``average_cost`` is in the tenant's valuation currency."""

    id: UUID
    sku: str
    name: str
    uom: str
    cost_price: str
    sale_price: str
    currency: str
    tracked: bool
    active: bool
    average_cost: str
    created_at: datetime


class WarehouseCreate(msgspec.Struct, kw_only=True):
    """A new warehouse; its stock location is made with it. Without ``code``, one is made."""

    name: Name
    code: Code | None = None


class WarehouseChanges(msgspec.Struct, kw_only=True):
    """Some fields of a warehouse."""

    name: Name | None = None
    code: Code | None = None


class WarehouseOut(msgspec.Struct, kw_only=True):
    """A warehouse with its stock location."""

    id: UUID
    code: str
    name: str
    stock_location_id: UUID | None
    is_default: bool
    created_at: datetime


class LocationCreate(msgspec.Struct, kw_only=True):
    """A new internal location, in the default warehouse unless ``warehouse_id`` names one."""

    name: Name
    warehouse_id: UUID | None = None


class LocationChanges(msgspec.Struct, kw_only=True):
    """A location's new name."""

    name: Name | None = None


class LocationOut(msgspec.Struct, kw_only=True):
    """A location: ``internal`` (in a warehouse) or virtual (supplier, customer, adjustment)."""

    id: UUID
    name: str
    kind: str
    warehouse_id: UUID | None
    created_at: datetime


class MoveCreate(msgspec.Struct, kw_only=True):
    """A stock move, kept as a draft unless ``validate`` is true.

    Name the product by ``product_id`` or ``sku``. For a receipt or an adjustment, an
    unknown ``sku`` with ``product_name`` creates the product. Locations default by kind:
    a receipt goes supplier → default stock, a delivery default stock → customer, an
    adjustment adjustment → default stock (set ``from_location_id`` to a stock location and
    ``to_location_id`` to the adjustment location to take stock out); an internal transfer
    names both.
    """

    kind: MoveKind
    quantity: Amount
    product_id: UUID | None = None
    sku: Sku | None = None
    product_name: Name | None = None
    from_location_id: UUID | None = None
    to_location_id: UUID | None = None
    unit_cost: Amount | None = None
    reference: Reference | None = None
    validate: bool = False


class MoveOut(msgspec.Struct, kw_only=True):
    """A stock move; ``unit_cost``, ``value`` and ``currency`` are set once it is done."""

    id: UUID
    kind: str
    state: str
    product_id: UUID
    sku: str
    quantity: str
    from_location_id: UUID
    to_location_id: UUID
    reference: str | None
    origin: str | None
    unit_cost: str | None
    value: str | None
    currency: str | None
    failure_reason: str | None
    created_at: datetime
    done_at: datetime | None


class ReservationCreate(msgspec.Struct, kw_only=True):
    """Hold ``quantity`` for ``reference`` at a location (the default stock location if none).

    A delivery with the same reference consumes it when done.
    """

    quantity: Amount
    reference: Reference
    location_id: UUID | None = None


class ReservationOut(msgspec.Struct, kw_only=True):
    """A reservation: ``active``, ``released`` (deleted) or ``consumed`` (delivered)."""

    id: UUID
    product_id: UUID
    location_id: UUID
    quantity: str
    reference: str
    state: str
    created_at: datetime


class RuleCreate(msgspec.Struct, kw_only=True):
    """A reorder rule at a location (the default stock location if none)."""

    minimum: Amount
    maximum: Amount
    location_id: UUID | None = None


class RuleChanges(msgspec.Struct, kw_only=True):
    """New bounds of a reorder rule."""

    minimum: Amount | None = None
    maximum: Amount | None = None


class RuleOut(msgspec.Struct, kw_only=True):
    """A reorder rule: keep on hand between ``minimum`` and ``maximum``.

    ``to_order`` is what brings on hand back up to the maximum once it is below the
    minimum (``"0"`` otherwise).
    """

    id: UUID
    product_id: UUID
    location_id: UUID
    minimum: str
    maximum: str
    on_hand: str
    to_order: str
    created_at: datetime


class LocationStock(msgspec.Struct, kw_only=True):
    """A product's quantities at one location."""

    location_id: UUID
    location: str
    warehouse_id: UUID | None
    on_hand: str
    reserved: str
    available: str


class StockOut(msgspec.Struct, kw_only=True):
    """A product's quantities over its internal locations: available = on hand − reserved."""

    product_id: UUID
    sku: str
    on_hand: str
    reserved: str
    available: str
    locations: list[LocationStock]


class ValuationLine(msgspec.Struct, kw_only=True):
    """One product's stock value: quantity on hand × average cost."""

    product_id: UUID
    sku: str
    name: str
    quantity: str
    average_cost: str
    value: str


class ValuationOut(msgspec.Struct, kw_only=True):
    """The tenant's stock valuation at average cost."""

    currency: str
    total_value: str
    products: list[ValuationLine]
