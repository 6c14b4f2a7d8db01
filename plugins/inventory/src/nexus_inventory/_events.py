"""The events Inventory publishes: payload Structs and their declarations.

Each is published in the transaction that validates (or, for a failed delivery, refuses) a
move; the manifest lists them
(``Manifest.events``) and ``docs/plugins/events.md`` shows their payloads' JSON Schemas.
"""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

from nexus_inventory._fields import MoveKind

__all__ = (
    "DELIVERY_FAILED",
    "MOVE_DONE",
    "STOCK_LOW",
    "VALUATION_POSTED",
    "MoveDone",
    "DeliveryFailed",
    "StockLow",
    "ValuationPosted",
)


class MoveDone(msgspec.Struct, kw_only=True):
    """The ``data`` of ``inventory.move.done.v1``.

    Attributes:
        id: The move.
        kind: ``receipt``, ``delivery``, ``internal``, ``adjustment``, ``return`` (customer
            → stock, against a delivery) or ``supplier_return`` (stock → supplier, against
            a receipt).
        product_id: The product moved.
        sku: Its SKU.
        quantity: The quantity moved, a decimal string (always positive).
        from_location_id: Where the stock came from.
        to_location_id: Where it went.
        reference: The move's reference (an order or invoice number), if any.
    """

    id: UUID
    kind: MoveKind
    product_id: UUID
    sku: str
    quantity: str
    from_location_id: UUID
    to_location_id: UUID
    reference: str | None


class ValuationPosted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``inventory.valuation.posted.v1``.

    Attributes:
        move_id: The move valued.
        kind: ``receipt``, ``delivery``, ``adjustment``, ``return`` (a customer return:
            stock back at the unit cost its delivery left with — Finance books Dr Inventory
            / Cr Cost of goods sold) or ``supplier_return`` (goods sent back to the supplier
            at the unit cost their receipt came in with). Internal transfers keep their value.
        direction: ``in`` when stock value went up (receipt, adjustment in, return), ``out``
            when down (delivery, adjustment out, supplier return).
        product_id: The product.
        sku: Its SKU.
        quantity: The quantity moved, a positive decimal string.
        unit_cost: The unit cost it was valued at, a decimal string.
        value: quantity × unit cost, rounded to cents (``"12.50"``), positive.
        currency: The tenant's valuation currency (ISO 4217).
    """

    move_id: UUID
    kind: MoveKind
    direction: Literal["in", "out"]
    product_id: UUID
    sku: str
    quantity: str
    unit_cost: str
    value: str
    currency: str


class StockLow(msgspec.Struct, kw_only=True):
    """The ``data`` of ``inventory.stock.low.v1``.

    Attributes:
        product_id: The product.
        sku: Its SKU.
        location_id: The location its reorder rule watches.
        on_hand: On hand there after the move, a decimal string.
        minimum: The rule's minimum, a decimal string.
        maximum: The rule's maximum, a decimal string.
        incoming: What draft receipts into the location will still bring.
        suggested_quantity: What to order to reach the maximum: maximum − on hand −
            incoming (never below zero) — what a purchase draft needs.
    """

    product_id: UUID
    sku: str
    location_id: UUID
    on_hand: str
    minimum: str
    maximum: str | None = None
    incoming: str | None = None
    suggested_quantity: str | None = None


class DeliveryFailed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``inventory.delivery.failed.v1``.

    Attributes:
        move_id: The delivery recorded as ``failed`` (nothing of it moved).
        product_id: The product short.
        sku: Its SKU.
        location_id: Where it was to leave from.
        on_hand: On hand there, a decimal string.
        available: On hand less the reservations of other references.
        requested: The quantity asked for.
        reference: The delivery's reference (the invoice number), if any.
        origin: What asked for it (``finance.invoice_line:<id>``).
        reason: Why, for a person.
    """

    move_id: UUID
    product_id: UUID
    sku: str
    location_id: UUID
    on_hand: str
    available: str
    requested: str
    reference: str | None
    origin: str | None
    reason: str


MOVE_DONE = EventType(
    type="inventory.move.done.v1",
    description="A stock move was validated: quantities changed (subject: the move id).",
    payload=MoveDone,
)
VALUATION_POSTED = EventType(
    type="inventory.valuation.posted.v1",
    description=(
        "A done receipt, delivery or adjustment was valued at average cost, when "
        "inventory.valuation is on (subject: the move id)."
    ),
    payload=ValuationPosted,
)
STOCK_LOW = EventType(
    type="inventory.stock.low.v1",
    description=(
        "A done move left a product's on hand at a location below its reorder rule's "
        "minimum; carries the rule's maximum, the incoming quantity and the suggested "
        "quantity to order (subject: the product id)."
    ),
    payload=StockLow,
)
DELIVERY_FAILED = EventType(
    type="inventory.delivery.failed.v1",
    description=(
        "An automatic delivery (a posted invoice's line) was refused under the oversell "
        "policy refuse: nothing moved, the move is recorded failed (subject: the move id)."
    ),
    payload=DeliveryFailed,
)
