"""Finance's services: operations other plugins call by name, in their own transaction.

Sales, Purchase and Inventory never import Finance: they call these through the kernel's
services port (``services.call(conn, "finance.documents.draft", {...}, result=...)``). Each
handler runs on the caller's connection, so what it writes and publishes commits or rolls
back with the caller's work; its problems (404, 409, 422) reach the caller as they are.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs.http import invalid, not_found

from nexus_finance import _invoices, _payments, _posting
from nexus_finance._books import company
from nexus_finance._invoices import (
    InvoiceIn,
    InvoiceLineIn,
    LinePrice,
    LineQuantity,
    Percent,
)
from nexus_finance._keys import MULTI_CURRENCY
from nexus_finance._legal import Country, Line, PostalCode, TaxId
from nexus_finance._partners import PartnerIn, PartnerKind, insert
from nexus_finance._preview import DocumentPreview, preview
from nexus_finance._service_documents import (
    CreditRequest,
    DocumentRef,
    credit_document,
    document_ref,
    service_settings,
)
from nexus_finance._taxes import TaxIds, partner_position

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext


__all__ = (
    "SERVICES",
    "CreditRequest",
    "DocumentRef",
    "DraftLine",
    "DraftRequest",
    "EnsurePartner",
    "EnsuredPartner",
    "GetDocument",
    "PaymentAllocation",
    "RecordPayment",
    "RecordedPayment",
    "ServiceTax",
    "TaxesRequest",
    "credit_document",
    "draft_document",
    "ensure_partner",
    "get_document",
    "list_taxes",
    "record_payment",
    "preview_document",
)


# --- finance.taxes.list ------------------------------------------------------------------


class TaxesRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Which taxes: of one ``scope`` or both; only the active ones unless told."""

    scope: Literal["sale", "purchase"] | None = None
    include_inactive: bool = False


class ServiceTax(msgspec.Struct, kw_only=True):
    """A tax as other plugins see it (``default``: the company's default of its scope)."""

    id: UUID
    name: str
    rate: Decimal
    scope: str
    price_include: bool
    tags: list[str]
    active: bool
    default: bool


async def list_taxes(data: TaxesRequest, ctx: ServiceContext) -> list[ServiceTax]:
    """The tenant's taxes, defaults first. Reads only."""
    rows = await ctx.conn.fetch(
        "select id, name, rate, scope, price_include, tags, active, is_default as default "
        "from finance_tax where ($1::text is null or scope = $1) and ($2 or active) "
        "order by is_default desc, scope desc, name, id",
        data.scope,
        data.include_inactive,
    )
    return [
        ServiceTax(**{**dict(row), "rate": row["rate"].normalize(), "tags": list(row["tags"])})
        for row in rows
    ]


# --- finance.partners.ensure -------------------------------------------------------------


class EnsurePartner(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A customer or supplier to find (by ``partner_ref``, else exact name) or create."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    kind: PartnerKind = "customer"
    partner_ref: UUID | None = None
    email: Annotated[str, msgspec.Meta(max_length=320, pattern=r"^[^@\s]+@[^@\s]+$")] | None = None
    address_line1: Line | None = None
    address_line2: Line | None = None
    postal_code: PostalCode | None = None
    city: Line | None = None
    country: Country | None = None
    tax_id: TaxId | None = None
    tax_exempt: bool = False


class EnsuredPartner(msgspec.Struct, kw_only=True):
    """The partner, and the fiscal position its drafts get (its own or auto-applied)."""

    id: UUID
    name: str
    kind: str
    fiscal_position_id: UUID | None = None


async def ensure_partner(data: EnsurePartner, ctx: ServiceContext) -> EnsuredPartner:
    """The partner linked to ``partner_ref``, else named ``name``; created when new.

    A customer found as a supplier (or the reverse) becomes ``both``. Nothing is booked.
    """
    conn = ctx.conn
    found = None
    if data.partner_ref is not None:
        found = await conn.fetchval(
            "select id from finance_partner where partner_ref = $1", data.partner_ref
        )
    if found is None:
        found = await conn.fetchval(
            "select id from finance_partner where name = $1 and "
            "($2::uuid is null or partner_ref is null) order by id limit 1",
            data.name,
            data.partner_ref,
        )
        if found is not None and data.partner_ref is not None:
            await conn.execute(
                "update finance_partner set partner_ref = $2 where id = $1",
                found,
                data.partner_ref,
            )
    if found is None:
        fields = {f: getattr(data, f) for f in PartnerIn.__struct_fields__ if hasattr(data, f)}
        found = await insert(conn, PartnerIn(**fields))
    else:
        await conn.execute(
            "update finance_partner set kind = 'both' where id = $1 and kind <> $2 "
            "and $2 <> 'both'",
            found,
            data.kind,
        )
    row = await conn.fetchrow("select id, name, kind from finance_partner where id = $1", found)
    if row is None:
        not_found()
    return EnsuredPartner(
        id=row["id"],
        name=row["name"],
        kind=row["kind"],
        fiscal_position_id=await partner_position(conn, found),
    )


# --- documents ---------------------------------------------------------------------------


class DraftLine(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A document line: ``tax_ids`` ``null`` takes the defaults, ``[]`` no tax."""

    description: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    quantity: LineQuantity = Decimal(1)
    unit_price: LinePrice
    discount_percent: Percent = Decimal(0)
    tax_ids: TaxIds | None = None
    product_id: UUID | None = None
    sku: Annotated[str, msgspec.Meta(max_length=100)] | None = None
    account_subtype: Literal["stock_received", "price_difference"] | None = None


class DraftRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A document to draft (and post), once per ``source_ref``."""

    kind: Literal["invoice", "bill", "credit_note"]
    source_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    date: dt.date
    lines: Annotated[list[DraftLine], msgspec.Meta(min_length=1, max_length=500)]
    direction: Literal["sale", "purchase"] | None = None
    partner_id: UUID | None = None
    partner_ref: UUID | None = None
    partner_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    currency: str | None = None
    due_date: dt.date | None = None
    reference: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    reversal_of: UUID | None = None
    post: bool = False


def _draft_in(data: DraftRequest) -> InvoiceIn:
    """The draft a request describes (lines naming no tax take the defaults)."""
    if data.partner_id is None and data.partner_name is None and data.partner_ref is None:
        invalid("partner_id", "name the partner: partner_id, or partner_ref and partner_name")
    return InvoiceIn(
        kind=data.kind,
        direction=data.direction,
        partner_id=data.partner_id,
        partner_name=data.partner_name,
        currency=data.currency,
        date=data.date,
        due_date=data.due_date,
        reference=data.reference,
        default_taxes=True,
        lines=[
            InvoiceLineIn(
                description=line.description,
                quantity=line.quantity,
                unit_price=line.unit_price,
                discount_percent=line.discount_percent,
                tax_ids=line.tax_ids,
                product_id=line.product_id,
                sku=line.sku,
                account_subtype=line.account_subtype,
            )
            for line in data.lines
        ],
    )


async def preview_document(data: DraftRequest, ctx: ServiceContext) -> DocumentPreview:
    """Price the document ``draft_document`` would draft, by the same code; store nothing.

    Its lines, taxes (the product's, else the company's default, through the partner's
    exemption and fiscal position), tax rounding and totals are what the draft would have;
    it refuses (422) what the draft would refuse. ``source_ref`` and ``post`` are ignored.
    """
    settings = await service_settings(ctx)
    return await preview(
        ctx.conn,
        await company(ctx.conn),
        _draft_in(data),
        multi_currency=await ctx.feature_enabled(MULTI_CURRENCY),
        tax_rounding=settings.tax_rounding,
        partner_ref=data.partner_ref,
    )


async def draft_document(data: DraftRequest, ctx: ServiceContext) -> DocumentRef:
    """Draft a document once per ``source_ref`` (the same one again answers the first).

    Lines naming no tax get the product's, else the company's default tax, through the
    partner's exemption and fiscal position. With ``post``, the draft is posted: numbered,
    its entry booked (invoice: Dr Receivable / Cr income and output tax; bill: Dr expense —
    or Stock received not billed, Purchase price differences by ``account_subtype`` — and
    input tax / Cr Payable) and ``finance.invoice.posted.v1`` published.
    """
    conn = ctx.conn
    existing = await conn.fetchval(
        "select id from finance_invoice where source_ref = $1", data.source_ref
    )
    if existing is not None:
        state = await conn.fetchval("select state from finance_invoice where id = $1", existing)
        if data.post and state == "draft":
            await _posting.post(conn, await company(conn), existing, events=ctx.events)
        return await document_ref(conn, existing)
    draft = _draft_in(data)
    settings = await service_settings(ctx)
    books = await company(conn)
    if data.reversal_of is not None and not await conn.fetchval(
        "select 1 from finance_invoice where id = $1", data.reversal_of
    ):
        invalid("reversal_of", "no such document")
    invoice_id = await _invoices.create_draft(
        conn,
        books,
        draft,
        terms_days=settings.payment_terms_days,
        multi_currency=await ctx.feature_enabled(MULTI_CURRENCY),
        source_ref=data.source_ref,
        partner_ref=data.partner_ref,
        reversal_of=data.reversal_of,
        tax_rounding=settings.tax_rounding,
    )
    if data.post:
        await _posting.post(conn, books, invoice_id, events=ctx.events)
    return await document_ref(conn, invoice_id)


class GetDocument(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The document to read."""

    id: UUID


async def get_document(data: GetDocument, ctx: ServiceContext) -> DocumentRef:
    """One document with its lines and allocations; 404 when not the tenant's. Reads only."""
    return await document_ref(ctx.conn, data.id)


class PaymentAllocation(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The part of a recorded payment that settles one posted document."""

    invoice_id: UUID
    amount: Decimal


class RecordPayment(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A payment to record once per ``source_ref`` (kept as its reference).

    Attributes:
        source_ref: The caller's reference (``integrations:<connection>:account.payment:7``):
            the same one answers the first payment.
        amount: What was received (``inbound``) or paid (``outbound``), in ``currency``.
        partner_id: The partner who paid or was paid.
        direction: ``inbound`` (a customer's) or ``outbound`` (to a supplier).
        currency: ISO 4217; the company's when omitted.
        date: The payment's date.
        allocations: The documents it settles, partly or wholly; the rest stays on the
            partner's account.
    """

    source_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    amount: Decimal
    partner_id: UUID
    direction: Literal["inbound", "outbound"] = "inbound"
    currency: str | None = None
    date: dt.date
    allocations: Annotated[list[PaymentAllocation], msgspec.Meta(max_length=500)] = []


class RecordedPayment(msgspec.Struct, kw_only=True):
    """The payment recorded (or found by its source_ref)."""

    id: UUID
    amount: Decimal
    currency: str


async def record_payment(data: RecordPayment, ctx: ServiceContext) -> RecordedPayment:
    """Book a payment once per source_ref, settling its allocations."""
    conn = ctx.conn
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", data.source_ref)
    found = await conn.fetchrow(
        "select id, amount, currency from finance_payment where reference = $1", data.source_ref
    )
    if found is None:
        books = await company(conn)
        payment_id = await _payments.create(
            conn,
            books,
            _payments.PaymentIn(
                amount=data.amount,
                partner_id=data.partner_id,
                direction=data.direction,
                currency=data.currency,
                date=data.date,
                reference=data.source_ref,
                allocations=[
                    _payments.AllocationIn(invoice_id=a.invoice_id, amount=a.amount)
                    for a in data.allocations
                ],
            ),
            events=ctx.events,
            multi_currency=await ctx.feature_enabled(MULTI_CURRENCY),
        )
        found = await conn.fetchrow(
            "select id, amount, currency from finance_payment where id = $1", payment_id
        )
    if found is None:  # booked just above, in this transaction
        not_found()
    return msgspec.convert(dict(found), RecordedPayment)


SERVICES: tuple[tuple[str, Any, type[msgspec.Struct], Any, str], ...] = (
    (
        "finance.payments.record",
        record_payment,
        RecordPayment,
        RecordedPayment,
        "Books a payment once per source_ref (kept as its reference): inbound Dr Bank / Cr "
        "Receivable, outbound Dr Payable / Cr Bank, through the default bank journal; its "
        "allocations settle posted documents partly or wholly (422 naming the allocation "
        "refused), the rest stays on the partner's account; publishes "
        "finance.payment.received.v1.",
    ),
    (
        "finance.taxes.list",
        list_taxes,
        TaxesRequest,
        list[ServiceTax],
        "The tenant's taxes (of a scope, active ones unless told), the company's defaults "
        "first. Reads only: nothing is booked.",
    ),
    (
        "finance.partners.ensure",
        ensure_partner,
        EnsurePartner,
        EnsuredPartner,
        "Finds the partner by partner_ref (a CRM company), else by exact name, or creates "
        "it (address and tax id checked for its country; 422 naming the field); a customer "
        "found as a supplier becomes both. Answers its fiscal position. Nothing is booked.",
    ),
    (
        "finance.documents.draft",
        draft_document,
        DraftRequest,
        DocumentRef,
        "Drafts an invoice, bill or credit note once per source_ref (the same source_ref "
        "answers the first document). Lines without tax_ids take the product's, else the "
        "company's default tax, through the partner's exemption and fiscal position. A bill "
        "line with account_subtype stock_received books to Stock received not billed "
        "(clearing a goods receipt), price_difference to Purchase price differences. With "
        "post: numbered, its entry booked (invoice: Dr Receivable / Cr income and output "
        "tax; bill: Dr expense or stock received and input tax / Cr Payable) and "
        "finance.invoice.posted.v1 published.",
    ),
    (
        "finance.documents.preview",
        preview_document,
        DraftRequest,
        DocumentPreview,
        "Prices the document finance.documents.draft would draft from the same request, by "
        "the same code (lines without tax_ids take the product's, else the company's default "
        "tax, through the partner's exemption and fiscal position; the tenant's tax "
        "rounding): its lines with their tax, net and tax amounts, and its totals, the "
        "partner and its fiscal position. 422 where draft would refuse. Stores nothing and "
        "books nothing (source_ref and post are ignored): what a quotation shows is what "
        "the invoice bills.",
    ),
    (
        "finance.documents.get",
        get_document,
        GetDocument,
        DocumentRef,
        "One document with its lines, totals, what is paid and its allocations (payments "
        "and credit notes settling it); 404 when it is not the tenant's. Reads only.",
    ),
    (
        "finance.documents.credit",
        credit_document,
        CreditRequest,
        DocumentRef,
        "Credits a posted invoice or bill, whole or by lines (line_id or product_id, with "
        "a quantity), once per source_ref. Posted (the default), the credit note books the "
        "mirror of the document's entry for those lines (a customer's: Dr income and "
        "output tax / Cr Receivable), is matched against the document (settling what is "
        "due; any remainder stays as the partner's credit) and publishes "
        "finance.invoice.posted.v1. 409 when it would credit more than the total.",
    ),
)
"""(name, handler, request, response, description) of each service Finance provides."""
