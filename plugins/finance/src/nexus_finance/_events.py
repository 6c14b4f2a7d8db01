"""The events Finance publishes: payload Structs and their declarations.

The manifest lists them (``Manifest.events``); ``nexus events catalog`` publishes each
one's type, when it is emitted and the JSON Schema of its payload. Amounts are strings with
the currency's decimals (``"1250.00"``), as the API shows them.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "INVOICE_PAID",
    "INVOICE_POSTED",
    "PAYMENT_RECEIVED",
    "InvoicePaid",
    "InvoicePosted",
    "PaymentAllocation",
    "PaymentReceived",
    "PostedLine",
)


class PostedLine(msgspec.Struct, kw_only=True):
    """A line of a posted document.

    Attributes:
        id: The invoice line.
        description: What was sold or bought.
        quantity: The quantity, without trailing zeros (``"2"``, ``"2.5"``).
        unit_price: The unit price in the document's currency.
        product_id: The product it is for, when it names one.
        sku: The product's SKU, when it names one.
        account_code: The income or expense account it is booked to.
        discount_percent: The discount on quantity × unit price, in percent (``"0"``).
        subtotal: What the line is booked at: quantity × unit price less the discount,
            taxes excluded.
    """

    id: UUID
    description: str
    quantity: str
    unit_price: str
    product_id: UUID | None
    sku: str | None
    account_code: str
    discount_percent: str = "0"
    subtotal: str | None = None


class InvoicePosted(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.invoice.posted.v1``.

    Attributes:
        id: The document.
        number: Its number (``INV/2026/00001``).
        kind: ``invoice``, ``bill`` or ``credit_note``.
        partner_id: The customer or supplier.
        partner_ref: The CRM company the partner links to, if any.
        currency: The document's currency.
        total: The total, taxes included.
        tax_total: The taxes.
        posted_at: When it was posted.
        lines: Its lines.
    """

    id: UUID
    number: str
    kind: Literal["invoice", "bill", "credit_note"]
    partner_id: UUID
    partner_ref: UUID | None
    currency: str
    total: str
    tax_total: str
    posted_at: datetime
    lines: list[PostedLine]


class InvoicePaid(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.invoice.paid.v1``.

    Attributes:
        id: The document.
        number: Its number.
        currency: Its currency.
        total: Its total, now paid in full.
        paid_at: When the last payment settled it.
    """

    id: UUID
    number: str
    currency: str
    total: str
    paid_at: datetime


class PaymentAllocation(msgspec.Struct, kw_only=True):
    """The part of a payment that settles one document.

    Attributes:
        invoice_id: The document.
        amount: What the payment pays on it.
    """

    invoice_id: UUID
    amount: str


class PaymentReceived(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.payment.received.v1``.

    Attributes:
        id: The payment.
        partner_id: The customer who paid.
        amount: The amount received.
        currency: Its currency.
        allocations: The documents it settles (empty for a payment on account).
    """

    id: UUID
    partner_id: UUID
    amount: str
    currency: str
    allocations: list[PaymentAllocation]


INVOICE_POSTED = EventType(
    type="finance.invoice.posted.v1",
    description="An invoice, bill or credit note was posted: numbered and booked.",
    payload=InvoicePosted,
)
INVOICE_PAID = EventType(
    type="finance.invoice.paid.v1",
    description="A payment settled the last amount due on an invoice, bill or credit note.",
    payload=InvoicePaid,
)
PAYMENT_RECEIVED = EventType(
    type="finance.payment.received.v1",
    description="A customer's payment (an inbound payment) was recorded.",
    payload=PaymentReceived,
)
