"""The events Finance publishes: payload Structs and their declarations.

The manifest lists them (``Manifest.events``); ``nexus events catalog`` publishes each
one's type, when it is emitted and the JSON Schema of its payload. Amounts are strings with
the currency's decimals (``"1250.00"``), as the API shows them.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "BANK_STATEMENT_IMPORTED",
    "STATEMENT_LINE_RECONCILED",
    "BankStatementImported",
    "StatementLineReconciled",
    "INVOICE_PAID",
    "INVOICE_POSTED",
    "PAYMENT_RECEIVED",
    "InvoicePaid",
    "InvoicePosted",
    "PaymentAllocation",
    "PaymentReceived",
    "PostedLine",
    "PAYMENT_ALLOCATED",
    "PAYMENT_UNALLOCATED",
    "AllocationChanged",
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


class AllocationChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.payment.allocated.v1`` and ``finance.payment.unallocated.v1``.

    Attributes:
        id: The allocation.
        payment_id: The payment it takes from, when it is a payment's.
        credit_note_id: The credit note it takes from, when it is a credit note's.
        invoice_id: The document it settles.
        partner_id: The partner of both.
        amount: The amount allocated (or no longer allocated).
        currency: Its currency.
        date: The day it took effect (allocated) or stopped counting (unallocated).
        document_amount: What it settles in the document's currency, when that is not
            ``currency`` (a payment in one currency settling a document in another).
        document_currency: The document's currency, when it is not ``currency``.
    """

    id: UUID
    payment_id: UUID | None
    credit_note_id: UUID | None
    invoice_id: UUID
    partner_id: UUID
    amount: str
    currency: str
    date: date
    document_amount: str | None = None
    document_currency: str | None = None


PAYMENT_ALLOCATED = EventType(
    type="finance.payment.allocated.v1",
    description="Part of a payment or of a credit note was allocated to an open document "
    "after it was recorded (reconciliation).",
    payload=AllocationChanged,
)
PAYMENT_UNALLOCATED = EventType(
    type="finance.payment.unallocated.v1",
    description="An allocation of a payment or credit note was un-reconciled: the document is "
    "open again for that amount and the payment or credit note has it back to allocate.",
    payload=AllocationChanged,
)


class BankStatementImported(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.bank_statement.imported.v1``.

    Attributes:
        id: The statement.
        journal_id: The bank or cash journal it was imported into.
        journal_code: That journal's code (``BNK1``).
        name: The statement's identification (the bank's, or the file's).
        format: ``camt053``, ``ofx`` or ``csv``.
        currency: Its currency.
        date_from: Its first day.
        date_to: Its last day.
        opening_balance: The balance before its first line.
        closing_balance: The balance after its last line.
        line_count: How many lines it has.
    """

    id: UUID
    journal_id: UUID
    journal_code: str
    name: str
    format: Literal["camt053", "ofx", "csv"]
    currency: str
    date_from: date
    date_to: date
    opening_balance: str
    closing_balance: str
    line_count: int


class StatementLineReconciled(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.statement_line.reconciled.v1``.

    Attributes:
        id: The statement line.
        statement_id: Its statement.
        journal_id: The bank or cash journal.
        date: The line's date.
        amount: Its signed amount (negative: money out).
        currency: Its currency.
        method: ``match`` (existing ledger lines), ``payment`` (a payment created for open
            documents), ``entry`` (an entry created from it) or ``rule`` (an entry made by a
            reconciliation rule).
        entry_line_ids: The bank-account ledger lines it is reconciled with.
        payment_id: The payment created, for ``payment``.
        entry_id: The entry created, for ``entry`` and ``rule``.
    """

    id: UUID
    statement_id: UUID
    journal_id: UUID
    date: date
    amount: str
    currency: str
    method: Literal["match", "payment", "entry", "rule"]
    entry_line_ids: list[UUID]
    payment_id: UUID | None
    entry_id: UUID | None


BANK_STATEMENT_IMPORTED = EventType(
    type="finance.bank_statement.imported.v1",
    description="A bank statement (CAMT.053, OFX or CSV) was imported into a bank journal.",
    payload=BankStatementImported,
)
STATEMENT_LINE_RECONCILED = EventType(
    type="finance.statement_line.reconciled.v1",
    description="A bank statement line was reconciled with the books (matched, paid or booked).",
    payload=StatementLineReconciled,
)
