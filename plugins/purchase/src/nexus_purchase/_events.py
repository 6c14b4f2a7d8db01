"""The events Purchase publishes: payload Structs and their declarations.

Each is published in the transaction of the change it reports; the manifest lists them
(``Manifest.events``) and ``docs/plugins/events.md`` shows their payloads' JSON Schemas.
Amounts and quantities are decimal strings.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "BILL_HELD",
    "BILL_MATCHED",
    "ORDER_CANCELLED",
    "ORDER_CONFIRMED",
    "ORDER_DRAFTED",
    "ORDER_SENT",
    "RECEIPT_DONE",
    "BillDifference",
    "BillHeld",
    "BillMatched",
    "OrderChanged",
    "OrderDrafted",
    "ReceiptDone",
    "ReceiptDoneLine",
)


class OrderDrafted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``purchase.order.drafted.v1``.

    Attributes:
        order_id: The draft request for quotation.
        number: Its number.
        vendor_id: The preferred vendor (a Finance partner).
        product_id: The product a low-stock event asked for.
        quantity: The quantity added for it.
        created: Whether the draft was created (else the line joined an open draft).
    """

    order_id: UUID
    number: str
    vendor_id: UUID
    product_id: UUID
    quantity: str
    created: bool


class OrderChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``purchase.order.sent.v1``, ``.confirmed.v1`` and ``.cancelled.v1``.

    Attributes:
        order_id: The order.
        number: Its number.
        vendor_id: The vendor (a Finance partner).
        state: The state it reached.
        currency: Its currency.
        untaxed_total: Quantity × unit price over its lines.
    """

    order_id: UUID
    number: str
    vendor_id: UUID
    state: str
    currency: str
    untaxed_total: str


class ReceiptDoneLine(msgspec.Struct, kw_only=True):
    """A line received: the order line, the product, the quantity and Inventory's move."""

    order_line_id: UUID
    product_id: UUID
    quantity: str
    unit_cost: str
    move_id: UUID | None


class ReceiptDone(msgspec.Struct, kw_only=True):
    """The ``data`` of ``purchase.receipt.done.v1``.

    Attributes:
        receipt_id: The receipt.
        number: Its number.
        order_id: The purchase order.
        order_state: The order's state after it (``partially_received``, ``received``).
        lines: What was received.
    """

    receipt_id: UUID
    number: str
    order_id: UUID
    order_state: str
    lines: list[ReceiptDoneLine]


class BillDifference(msgspec.Struct, kw_only=True):
    """A billed line compared with its order line and receipts."""

    order_line_id: UUID
    quantity: str
    received: str
    quantity_difference: str
    unit_price: str
    ordered_price: str
    price_difference: str


class BillHeld(msgspec.Struct, kw_only=True):
    """The ``data`` of ``purchase.bill.held.v1``.

    Attributes:
        bill_id: The held bill.
        order_id: Its purchase order.
        vendor_reference: The vendor's bill number.
        differences: The lines that do not match.
    """

    bill_id: UUID
    order_id: UUID
    vendor_reference: str
    differences: list[BillDifference]


class BillMatched(msgspec.Struct, kw_only=True):
    """The ``data`` of ``purchase.bill.matched.v1``.

    Attributes:
        bill_id: The bill.
        order_id: Its purchase order.
        vendor_reference: The vendor's bill number.
        approved: Whether it was held and approved (else it matched as it came).
        document_id: The Finance bill posted for it.
        document_number: Its number.
        total: What is owed for it, taxes included (less the credit note, if any).
        currency: Its currency.
        credit_document_id: The vendor credit note for a price billed below the order's
            (it credits Purchase price differences), if any.
    """

    bill_id: UUID
    order_id: UUID
    vendor_reference: str
    approved: bool
    document_id: UUID
    document_number: str | None
    total: str
    currency: str
    credit_document_id: UUID | None = None


ORDER_DRAFTED = EventType(
    type="purchase.order.drafted.v1",
    description=(
        "A low-stock event drafted a request for quotation for the product's preferred "
        "vendor, or added a line to its open draft. Nothing moves in stock or the ledger "
        "(subject: the order id)."
    ),
    payload=OrderDrafted,
)
ORDER_SENT = EventType(
    type="purchase.order.sent.v1",
    description=(
        "A request for quotation was sent to its vendor. Nothing moves in stock or the "
        "ledger (subject: the order id)."
    ),
    payload=OrderChanged,
)
ORDER_CONFIRMED = EventType(
    type="purchase.order.confirmed.v1",
    description=(
        "A request for quotation became a purchase order: its lines are expected in stock. "
        "Nothing moves in stock or the ledger yet (subject: the order id)."
    ),
    payload=OrderChanged,
)
ORDER_CANCELLED = EventType(
    type="purchase.order.cancelled.v1",
    description=(
        "A request for quotation or an order with nothing received was cancelled: nothing "
        "is expected any more; nothing moves in stock or the ledger (subject: the order id)."
    ),
    payload=OrderChanged,
)
RECEIPT_DONE = EventType(
    type="purchase.receipt.done.v1",
    description=(
        "Goods were received against a purchase order: Inventory's receipt moves added them "
        "to stock at the order's unit price, and its valuation makes Finance book Dr "
        "Inventory / Cr Stock received not billed (subject: the receipt id)."
    ),
    payload=ReceiptDone,
)
BILL_HELD = EventType(
    type="purchase.bill.held.v1",
    description=(
        "A vendor bill differs from its order (price) or receipts (quantity): it is held "
        "for approval and nothing is booked in Finance yet (subject: the bill id)."
    ),
    payload=BillHeld,
)
BILL_MATCHED = EventType(
    type="purchase.bill.matched.v1",
    description=(
        "A vendor bill matched its order and receipts (or was approved): Finance posted it, "
        "Dr Stock received not billed at the order price (Dr Purchase price differences "
        "for a higher billed price — a lower one is a vendor credit note crediting it —, Dr "
        "expenses for service lines) and input tax / Cr Payable (subject: the bill id)."
    ),
    payload=BillMatched,
)
