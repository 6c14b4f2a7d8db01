"""``/invoices/{id}/checkout``: payment links for Finance invoices; ``/checkouts``: all."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, FromQuery
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    Services,
    TenantSettings,
    after_id,
    conflict,
    invalid,
    page_of,
    route_opt,
)

from nexus_payments._checkouts import CheckoutOut, create, load, tenant_slug, to_out
from nexus_payments._examples import body
from nexus_payments._keys import CHECKOUTS_WRITE, PAYMENTS_READ
from nexus_payments._models import CheckoutRequest, Customer, Method, ProviderName
from nexus_payments._settings import PaymentsSettings

__all__ = ("CheckoutController", "InvoiceCheckoutController")


class InvoiceCheckoutIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A payment link for what is due on a posted Finance invoice."""

    provider: ProviderName | None = None
    methods: Annotated[list[Method], msgspec.Meta(min_length=1, max_length=3)] | None = None
    customer: Customer = msgspec.field(default_factory=Customer)
    return_url: Annotated[str, msgspec.Meta(max_length=2000)] | None = None


class Invoice(msgspec.Struct, kw_only=True):
    """Payments' own mirror of the fields of ``finance.documents.get`` it uses."""

    id: UUID
    kind: str
    number: str | None
    state: str
    date: date
    residual: Decimal
    currency: str


class CheckoutController(Controller):
    """Checkouts of the tenant."""

    path = "/checkouts"
    tags = ["payments: checkouts"]

    @get("/", opt=route_opt(permission=PAYMENTS_READ))
    async def list_checkouts(
        self,
        db: Db,
        settings: TenantSettings[PaymentsSettings],
        status: FromQuery[Literal["open", "paid", "failed", "expired"] | None] = None,
        source: FromQuery[str | None] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[CheckoutOut]:
        """Checkouts, oldest first; of one ``status`` or ``source`` if asked."""
        async with db.transaction() as conn:
            slug = await tenant_slug(conn)
            rows = await conn.fetch(
                "select * from payments_checkout where ($1::uuid is null or id > $1) "
                "and ($2::text is null or status = $2) and ($3::text is null or source = $3) "
                "order by id limit $4",
                after_id(cursor),
                status,
                source,
                limit + 1,
            )
        return page_of([to_out(row, settings, slug) for row in rows], limit)

    @get("/{checkout_id:uuid}", opt=route_opt(permission=PAYMENTS_READ))
    async def show_checkout(
        self, db: Db, checkout_id: FromPath[UUID], settings: TenantSettings[PaymentsSettings]
    ) -> CheckoutOut:
        """One checkout: its status, link, provider reference and failure, if any."""
        async with db.transaction() as conn:
            return await load(conn, checkout_id, settings)


class InvoiceCheckoutController(Controller):
    """Payment links for Finance invoices."""

    path = "/invoices"
    tags = ["payments: checkouts"]

    @post(
        "/{invoice_id:uuid}/checkout",
        opt=route_opt(permission=CHECKOUTS_WRITE),
        responses={
            409: ResponseSpec(
                None,
                description="The invoice is not open, no account takes its currency, or "
                "Finance is off (blocking)",
            )
        },
    )
    async def create_for_invoice(
        self,
        db: Db,
        services: Services,
        settings: TenantSettings[PaymentsSettings],
        invoice_id: FromPath[UUID],
        data: Annotated[
            InvoiceCheckoutIn, body("POST /invoices/{invoice_id}/checkout", "By Paystack")
        ],
    ) -> CheckoutOut:
        """A payment link for what is still due on a posted invoice (``finance.documents.get``).

        The amount is the invoice's residual in its currency; one open checkout per invoice
        (asking again answers it). ``url`` is the link to send the customer. 404 when the
        invoice is not the tenant's; 409 when it is not open (draft, paid, cancelled) or no
        account takes its currency; 422 when the named provider never takes it.
        """
        async with db.transaction() as conn:
            invoice = await services.call(
                conn, "finance.documents.get", {"id": invoice_id}, result=Invoice
            )
            if invoice.kind != "invoice":
                invalid(
                    "invoice_id", f"a {invoice.kind} is not paid by the customer", source="path"
                )
            if invoice.state not in ("posted", "partially_paid") or invoice.residual <= 0:
                conflict(f"the invoice {invoice.number or invoice.id} is {invoice.state}")
            label = invoice.number or str(invoice.id)
            request = CheckoutRequest(
                source="finance",
                source_ref=str(invoice.id),
                amount=invoice.residual,
                currency=invoice.currency,
                description=f"Invoice {label}",
                customer=data.customer,
                invoice_id=invoice.id,
                provider=data.provider,
                methods=data.methods,
                return_url=data.return_url,
                metadata={"invoice_number": label},
            )
            opened = await create(conn, request, settings=settings)
            return await load(conn, opened.checkout_id, settings)
