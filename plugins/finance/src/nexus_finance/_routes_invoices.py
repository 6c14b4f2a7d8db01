"""Routes for invoices, bills, credit notes and payments."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, get, post, put
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    FeatureFlags,
    Limit,
    Page,
    TenantSettings,
    after_id,
    page_of,
    route_opt,
)

from nexus_finance import _invoices, _payments, _posting
from nexus_finance._books import company
from nexus_finance._examples import body
from nexus_finance._invoices import CreditNoteIn, InvoiceIn, InvoiceOut
from nexus_finance._keys import (
    INVOICES_READ,
    INVOICES_WRITE,
    MULTI_CURRENCY,
    PAYMENTS_READ,
    PAYMENTS_WRITE,
)
from nexus_finance._payments import PaymentIn, PaymentOut
from nexus_finance._settings import FinanceSettings

__all__ = ("InvoiceController", "PaymentController")

_READ = route_opt(permission=INVOICES_READ)
_WRITE = route_opt(permission=INVOICES_WRITE)
_PAYMENTS_READ = route_opt(permission=PAYMENTS_READ)
State = Literal["draft", "posted", "partially_paid", "paid", "reversed", "cancelled"]


class InvoiceController(Controller):
    """Customer invoices, vendor bills and their credit notes."""

    path = "/invoices"
    tags = ["finance: invoices"]

    @get("/", summary="List invoices, bills and credit notes", opt=_READ)
    async def list_invoices(
        self,
        db: Db,
        kind: Annotated[
            Literal["invoice", "bill", "credit_note"] | None,
            QueryParameter(description="Only this kind."),
        ] = None,
        in_state: Annotated[
            State | None, QueryParameter(name="state", description="Only in this state.")
        ] = None,
        partner_id: Annotated[UUID | None, QueryParameter(description="Only this partner.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[InvoiceOut]:
        """Documents with their lines, in creation order."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from finance_invoice where ($1::text is null or kind = $1) "
                "and ($2::text is null or state = $2) and ($3::uuid is null or partner_id = $3) "
                "and ($4::uuid is null or id > $4) order by id limit $5",
                kind,
                in_state,
                partner_id,
                after_id(cursor),
                limit + 1,
            )
            items = await _invoices.load_many(conn, [row["id"] for row in rows])
        return page_of(items, limit)

    @post("/", summary="Draft an invoice, bill or credit note", opt=_WRITE)
    async def create_invoice(
        self,
        db: Db,
        settings: TenantSettings[FinanceSettings],
        features: FeatureFlags,
        data: Annotated[InvoiceIn, body("POST /invoices", "A consulting invoice")],
    ) -> InvoiceOut:
        """Create a draft; name the partner by ``partner_id`` or ``partner_name``.

        A line's subtotal is quantity × unit price less its ``discount_percent``; its tax
        is rounded per line or per document (``FinanceSettings.tax_rounding``). Nothing is
        booked until the draft is posted.
        """
        multi_currency = await features.enabled(MULTI_CURRENCY)
        async with db.transaction() as conn:
            found = await company(conn)
            invoice_id = await _invoices.create_draft(
                conn,
                found,
                data,
                terms_days=settings.payment_terms_days,
                multi_currency=multi_currency,
                tax_rounding=settings.tax_rounding,
            )
            return await _invoices.load(conn, invoice_id)

    @get("/{invoice_id:uuid}", summary="Show an invoice", opt=_READ)
    async def show_invoice(self, db: Db, invoice_id: FromPath[UUID]) -> InvoiceOut:
        """One document with its lines, totals and what is left to pay."""
        async with db.transaction() as conn:
            return await _invoices.load(conn, invoice_id)

    @put("/{invoice_id:uuid}", summary="Replace a draft", opt=_WRITE)
    async def replace_invoice(
        self,
        db: Db,
        settings: TenantSettings[FinanceSettings],
        features: FeatureFlags,
        invoice_id: FromPath[UUID],
        data: Annotated[
            InvoiceIn, body("PUT /invoices/{invoice_id}", "A draft with December's hours")
        ],
    ) -> InvoiceOut:
        """Replace a draft's lines and fields; a posted document answers 409.

        Nothing is booked until the draft is posted; ``default_taxes`` applies as on create.
        """
        multi_currency = await features.enabled(MULTI_CURRENCY)
        async with db.transaction() as conn:
            found = await company(conn)
            await _invoices.replace_draft(
                conn,
                found,
                invoice_id,
                data,
                multi_currency=multi_currency,
                tax_rounding=settings.tax_rounding,
            )
            return await _invoices.load(conn, invoice_id)

    @post("/{invoice_id:uuid}/post", summary="Post a draft", opt=_WRITE, status_code=200)
    async def post_invoice(
        self,
        db: Db,
        events: Events,
        invoice_id: FromPath[UUID],
    ) -> InvoiceOut:
        """Number it, book its journal entry, publish ``finance.invoice.posted.v1``."""
        async with db.transaction() as conn:
            found = await company(conn)
            await _posting.post(conn, found, invoice_id, events=events)
            return await _invoices.load(conn, invoice_id)

    @post("/{invoice_id:uuid}/cancel", summary="Cancel a draft", opt=_WRITE, status_code=200)
    async def cancel_invoice(self, db: Db, invoice_id: FromPath[UUID]) -> InvoiceOut:
        """Cancel a draft; posted documents are reversed by a credit note (409).

        Nothing is booked: a draft never was.
        """
        async with db.transaction() as conn:
            await _invoices.cancel(conn, invoice_id)
            return await _invoices.load(conn, invoice_id)

    @post("/{invoice_id:uuid}/credit-note", summary="Credit a posted document", opt=_WRITE)
    async def credit_invoice(
        self,
        db: Db,
        settings: TenantSettings[FinanceSettings],
        events: Events,
        invoice_id: FromPath[UUID],
        data: Annotated[
            CreditNoteIn,
            body("POST /invoices/{invoice_id}/credit-note", "A credit note, posted at once"),
        ],
    ) -> InvoiceOut:
        """Draft a credit note reversing the document (``post: true`` posts it at once).

        Posted, the credit note settles what is still due on the document; a document it
        clears entirely becomes ``reversed``.
        """
        async with db.transaction() as conn:
            found = await company(conn)
            note = await _invoices.credit_note(
                conn,
                found,
                invoice_id,
                data,
                terms_days=settings.payment_terms_days,
                tax_rounding=settings.tax_rounding,
            )
            if data.post:
                await _posting.post(conn, found, note, events=events)
            return await _invoices.load(conn, note)


class PaymentController(Controller):
    """Payments received and made, allocated to open documents."""

    path = "/payments"
    tags = ["finance: payments"]

    @get("/", summary="List payments", opt=_PAYMENTS_READ)
    async def list_payments(
        self,
        db: Db,
        partner_id: Annotated[UUID | None, QueryParameter(description="Only this partner.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[PaymentOut]:
        """Payments with their allocations, in creation order."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from finance_payment where ($1::uuid is null or partner_id = $1) "
                "and ($2::uuid is null or id > $2) order by id limit $3",
                partner_id,
                after_id(cursor),
                limit + 1,
            )
            items = await _payments.load_many(conn, [row["id"] for row in rows])
        return page_of(items, limit)

    @post("/", summary="Record a payment", opt=route_opt(permission=PAYMENTS_WRITE))
    async def create_payment(
        self,
        db: Db,
        features: FeatureFlags,
        events: Events,
        data: Annotated[PaymentIn, body("POST /payments", "A payment on account")],
    ) -> PaymentOut:
        """Book a payment and settle its allocations (partial payments included).

        Posts its entry (inbound: Dr Bank / Cr Receivable; outbound: Dr Payable / Cr Bank, a
        realised exchange difference to FX gains or losses), marks the documents it settles
        ``partially_paid`` or ``paid`` and publishes ``finance.payment.received.v1`` (and
        ``finance.invoice.paid.v1`` for each document paid in full).
        """
        multi_currency = await features.enabled(MULTI_CURRENCY)
        async with db.transaction() as conn:
            found = await company(conn)
            payment_id = await _payments.create(
                conn, found, data, events=events, multi_currency=multi_currency
            )
            return await _payments.load(conn, payment_id)

    @get("/{payment_id:uuid}", summary="Show a payment", opt=_PAYMENTS_READ)
    async def show_payment(self, db: Db, payment_id: FromPath[UUID]) -> PaymentOut:
        """One payment with its allocations."""
        async with db.transaction() as conn:
            return await _payments.load(conn, payment_id)
