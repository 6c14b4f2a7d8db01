"""The events Shop publishes and the Payments events it consumes.

Every event is published in the transaction that makes the change (the outbox); the
subject is the order id.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "ORDER_CANCELLED",
    "ORDER_PAID",
    "ORDER_PLACED",
    "PAYMENT_CONFIRMED",
    "PAYMENT_FAILED",
    "OrderCancelled",
    "OrderPaid",
    "OrderPlaced",
    "PaymentConfirmed",
    "PaymentFailed",
)

PAYMENT_CONFIRMED = "payments.payment.confirmed.v1"
"""Payments' confirmed payment: an order of ``source`` ``shop`` is paid and delivered."""

PAYMENT_FAILED = "payments.payment.failed.v1"
"""Payments' failed attempt: recorded on the order, which waits for another attempt."""


class PaymentConfirmed(msgspec.Struct, kw_only=True):
    """What Shop reads of ``payments.payment.confirmed.v1`` (Payments' contract)."""

    payment_id: UUID
    checkout_id: UUID
    source: str
    source_ref: str
    invoice_id: UUID | None = None
    provider: str = ""
    amount: Decimal
    currency: str
    method: str = ""
    confirmed_at: datetime | None = None


class PaymentFailed(msgspec.Struct, kw_only=True):
    """What Shop reads of ``payments.payment.failed.v1`` (Payments' contract)."""

    checkout_id: UUID | None = None
    source: str
    source_ref: str
    provider: str = ""
    reason: str = ""


class OrderPlaced(msgspec.Struct, kw_only=True):
    """The ``data`` of ``shop.order.placed.v1``.

    Attributes:
        order_id: The order.
        number: Its number in the tenant (``WEB-000042``).
        customer_email: Who ordered.
        currency: The order's currency.
        total: What the customer pays, taxes and shipping included.
        payment_method: ``online``, ``bank_transfer`` or ``cash_on_delivery``.
        invoice_id: The Finance invoice posted for it.
        checkout_id: The Payments checkout, when paid online.
        lines: How many lines it has.
    """

    order_id: UUID
    number: str
    customer_email: str
    currency: str
    total: Decimal
    payment_method: str
    invoice_id: UUID | None
    checkout_id: UUID | None
    lines: int


class OrderPaid(msgspec.Struct, kw_only=True):
    """The ``data`` of ``shop.order.paid.v1``.

    Attributes:
        order_id: The order.
        number: Its number.
        amount: What was paid.
        currency: Its currency.
        payment_id: The Payments payment, when paid online.
        method: ``online``, ``bank_transfer`` or ``cash_on_delivery``.
        fulfilled: Whether its goods were delivered out of stock.
    """

    order_id: UUID
    number: str
    amount: Decimal
    currency: str
    payment_id: UUID | None
    method: str
    fulfilled: bool


class OrderCancelled(msgspec.Struct, kw_only=True):
    """The ``data`` of ``shop.order.cancelled.v1``.

    Attributes:
        order_id: The order.
        number: Its number.
        reason: ``expired`` (unpaid in time), or what the staff member said.
        credit_note_id: The Finance credit note that cancelled its invoice, if any.
    """

    order_id: UUID
    number: str
    reason: str
    credit_note_id: UUID | None


ORDER_PLACED = EventType(
    type="shop.order.placed.v1",
    description="A storefront checkout placed an order: stock reserved, invoice posted.",
    payload=OrderPlaced,
)
ORDER_PAID = EventType(
    type="shop.order.paid.v1",
    description="An order was paid (online, or recorded by staff) and its goods delivered.",
    payload=OrderPaid,
)
ORDER_CANCELLED = EventType(
    type="shop.order.cancelled.v1",
    description="An order was cancelled (unpaid in time, or by staff): stock released, "
    "invoice credited.",
    payload=OrderCancelled,
)
