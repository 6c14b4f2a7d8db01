"""The events Sales publishes: payload Structs and their declarations.

Each is published in the transaction of the state change it reports; the manifest lists
them (``Manifest.events``) and ``docs/plugins/events.md`` shows their payloads' schemas.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "DELIVERY_DONE",
    "EVENTS",
    "ORDER_CANCELLED",
    "ORDER_CONFIRMED",
    "ORDER_INVOICED",
    "QUOTATION_ACCEPTED",
    "QUOTATION_DECLINED",
    "QUOTATION_REVISED",
    "QUOTATION_SENT",
    "RETURN_DONE",
    "DeliveryDone",
    "OrderChanged",
    "OrderInvoiced",
    "QuotationChanged",
    "ReturnDone",
)


class QuotationChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of the ``sales.quotation.*.v1`` events.

    Attributes:
        id: The quotation (the version the event is about).
        number: Its number, shared by its versions.
        version: Its version, 1 first.
        state: Its state after the change.
        partner_name: The customer.
        currency: ISO 4217 currency.
        total: Its displayed total, a decimal string.
        previous_id: On ``revised``: the version it replaces.
    """

    id: UUID
    number: str
    version: int
    state: str
    partner_name: str
    currency: str
    total: str
    previous_id: UUID | None = None


class OrderChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``sales.order.confirmed.v1`` and ``sales.order.cancelled.v1``.

    Attributes:
        id: The order.
        number: Its number.
        state: Its state after the change.
        partner_name: The customer.
        currency: ISO 4217 currency.
        quotation_id: The quotation it came from, if any.
        deal_id: The CRM deal it came from, if any.
    """

    id: UUID
    number: str
    state: str
    partner_name: str
    currency: str
    quotation_id: UUID | None
    deal_id: UUID | None


class OrderInvoiced(msgspec.Struct, kw_only=True):
    """The ``data`` of ``sales.order.invoiced.v1``.

    Attributes:
        id: The order.
        number: Its number.
        state: Its state after invoicing.
        document_id: The Finance invoice drafted (or posted).
        document_number: Its number once posted.
        total: The invoice's total, a decimal string.
        currency: ISO 4217 currency.
    """

    id: UUID
    number: str
    state: str
    document_id: UUID
    document_number: str | None
    total: str
    currency: str


class DeliveryDone(msgspec.Struct, kw_only=True):
    """The ``data`` of ``sales.delivery.done.v1``.

    Attributes:
        id: The delivery.
        order_id: Its order.
        number: Its number.
        value: The stock value that left (cost of sales), a decimal string.
        backordered: Whether something of the order is left to deliver.
    """

    id: UUID
    order_id: UUID
    number: str
    value: str
    backordered: bool


class ReturnDone(msgspec.Struct, kw_only=True):
    """The ``data`` of ``sales.return.done.v1``.

    Attributes:
        id: The return.
        delivery_id: The delivery it returns goods of.
        order_id: Their order.
        value: The stock value that came back, a decimal string.
        credit_note_id: The Finance credit note, when one was drafted.
    """

    id: UUID
    delivery_id: UUID
    order_id: UUID
    value: str
    credit_note_id: UUID | None


def _quotation(verb: str, when: str) -> EventType:
    return EventType(
        type=f"sales.quotation.{verb}.v1",
        description=f"A quotation {when} (subject: the quotation id).",
        payload=QuotationChanged,
    )


QUOTATION_SENT = _quotation("sent", "was marked sent; its PDF is ready to download")
QUOTATION_ACCEPTED = _quotation("accepted", "was accepted by the customer")
QUOTATION_DECLINED = _quotation("declined", "was declined by the customer")
QUOTATION_REVISED = _quotation(
    "revised", "was revised: a new version replaces it, the old one is kept read-only"
)
ORDER_CONFIRMED = EventType(
    type="sales.order.confirmed.v1",
    description="A sales order was confirmed; its stock was reserved (subject: the order id).",
    payload=OrderChanged,
)
ORDER_CANCELLED = EventType(
    type="sales.order.cancelled.v1",
    description="A sales order was cancelled; its reservations were released.",
    payload=OrderChanged,
)
ORDER_INVOICED = EventType(
    type="sales.order.invoiced.v1",
    description="A Finance invoice was drafted (or posted) for what an order had to invoice.",
    payload=OrderInvoiced,
)
DELIVERY_DONE = EventType(
    type="sales.delivery.done.v1",
    description=(
        "Goods of a sales order left stock (Inventory's delivery moves; Finance books cost "
        "of sales from their valuation events)."
    ),
    payload=DeliveryDone,
)
RETURN_DONE = EventType(
    type="sales.return.done.v1",
    description=(
        "Goods of a delivery came back to stock at the cost they left with; a credit note "
        "was drafted when they had been invoiced."
    ),
    payload=ReturnDone,
)

EVENTS = (
    QUOTATION_SENT,
    QUOTATION_ACCEPTED,
    QUOTATION_DECLINED,
    QUOTATION_REVISED,
    ORDER_CONFIRMED,
    ORDER_CANCELLED,
    ORDER_INVOICED,
    DELIVERY_DONE,
    RETURN_DONE,
)
