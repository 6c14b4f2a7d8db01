"""Finance's documents as other plugins see them, and the service crediting one.

``finance.documents.draft``, ``.get`` and ``.credit`` answer a :class:`DocumentRef`;
``finance.documents.credit`` drafts (and posts) a credit note of a posted document, linked
to it and matched against what is still due on it (``_posting``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs.http import FieldErrors, Quantity, not_found

from nexus_finance import _invoices, _posting
from nexus_finance._books import company
from nexus_finance._invoices import CreditLineIn, CreditNoteIn

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, ServiceContext

    from nexus_finance._settings import FinanceSettings

__all__ = (
    "Allocation",
    "CreditLine",
    "CreditRequest",
    "DocumentLine",
    "DocumentRef",
    "credit_document",
    "document_ref",
    "service_settings",
)


class Allocation(msgspec.Struct, kw_only=True):
    """What settles the document (a payment or a credit note), or what a credit note settled."""

    id: UUID
    payment_id: UUID | None
    credit_note_id: UUID | None
    invoice_id: UUID
    amount: Decimal
    date: dt.date


class DocumentLine(msgspec.Struct, kw_only=True):
    """A line of the document, to credit it later by ``line_id`` or ``product_id``."""

    id: UUID
    description: str
    quantity: Decimal
    unit_price: Decimal
    product_id: UUID | None
    tax_id: UUID | None
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal


class DocumentRef(msgspec.Struct, kw_only=True):
    """A document as other plugins see it."""

    id: UUID
    kind: str
    number: str | None
    state: str
    partner_id: UUID
    date: dt.date
    untaxed_total: Decimal
    tax_total: Decimal
    total: Decimal
    amount_paid: Decimal
    residual: Decimal
    currency: str
    reversal_of: UUID | None
    lines: list[DocumentLine]
    allocations: list[Allocation] = []


async def document_ref(conn: Connection, invoice_id: UUID) -> DocumentRef:
    found = await _invoices.load(conn, invoice_id)
    return msgspec.convert(msgspec.to_builtins(found), DocumentRef, strict=False)


async def service_settings(ctx: ServiceContext) -> FinanceSettings:
    settings: FinanceSettings = await ctx.settings()
    return settings


class CreditLine(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A line of the invoice to credit, by ``line_id`` or ``product_id``: all or ``quantity``."""

    line_id: UUID | None = None
    product_id: UUID | None = None
    quantity: Quantity | None = None


class CreditRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A credit note against a posted invoice or bill, once per ``source_ref``."""

    invoice_id: UUID
    source_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    date: dt.date | None = None
    reason: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    lines: Annotated[list[CreditLine], msgspec.Meta(min_length=1, max_length=500)] | None = None
    post: bool = True


def _credit_lines(
    lines: list[CreditLine], invoice_lines: list[dict[str, Any]]
) -> list[CreditLineIn]:
    """The invoice lines named by id or product (422 naming the one that matches none)."""
    errors = FieldErrors()
    chosen: list[CreditLineIn] = []
    for index, line in enumerate(lines):
        key = f"lines[{index}]"
        match = None
        if line.line_id is not None:
            match = next((item for item in invoice_lines if item["id"] == line.line_id), None)
        elif line.product_id is not None:
            match = next(
                (item for item in invoice_lines if item["product_id"] == line.product_id), None
            )
        if match is None:
            errors.add(key, "name a line of the document: line_id, or a product_id on one")
            continue
        chosen.append(CreditLineIn(line_id=match["id"], quantity=line.quantity))
    errors.raise_if_any()
    return chosen


async def credit_document(data: CreditRequest, ctx: ServiceContext) -> DocumentRef:
    """Credit a posted document (all of it, or the lines named), once per ``source_ref``.

    The credit note copies the lines' prices, discounts and taxes, is linked to the
    document (``reversal_of``) and, posted (``post``, the default), books the mirror of its
    entry (a customer's: Dr income and output tax / Cr Receivable), settles what is still
    due on the document (matched against it; any remainder stays as the partner's credit)
    and publishes ``finance.invoice.posted.v1``. 409 when it would credit more than the
    document's total.
    """
    conn = ctx.conn
    existing = await conn.fetchval(
        "select id from finance_invoice where source_ref = $1", data.source_ref
    )
    books = await company(conn)
    if existing is None:
        if not await conn.fetchval("select 1 from finance_invoice where id = $1", data.invoice_id):
            not_found()
        settings = await service_settings(ctx)
        parts = None
        if data.lines is not None:
            parts = _credit_lines(data.lines, await _invoices.lines_of(conn, data.invoice_id))
        existing = await _invoices.credit_note(
            conn,
            books,
            data.invoice_id,
            CreditNoteIn(date=data.date, reason=data.reason, lines=parts),
            terms_days=settings.payment_terms_days,
            tax_rounding=settings.tax_rounding,
        )
        await conn.execute(
            "update finance_invoice set source_ref = $2 where id = $1", existing, data.source_ref
        )
    state = await conn.fetchval("select state from finance_invoice where id = $1", existing)
    if data.post and state == "draft":
        await _posting.post(conn, books, existing, events=ctx.events)
    return await document_ref(conn, existing)
