"""Quotations: list, show, create, change a draft, send (PDF), accept, decline, revise, order."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, post, put
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIResponse, OpenAPIType, Operation, Schema
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    Services,
    TenantSettings,
    after_id,
    page_of,
    route_opt,
)

from nexus_sales._examples import body
from nexus_sales._fields import Currency, LineIn, Name, Terms
from nexus_sales._keys import ORDERS_WRITE, QUOTATIONS_READ, QUOTATIONS_WRITE
from nexus_sales._orders import load_order, order_from_quotation
from nexus_sales._quotations import (
    accept,
    create_quotation,
    decline,
    load_quotation,
    replace_quotation,
    revise,
    send,
)
from nexus_sales._settings import SalesSettings
from nexus_sales._views import OrderOut, QuotationOut, QuotationSummary, order_view, quotation_view
from nexus_sales._views import summary as quotation_summary

__all__ = ("QuotationController", "QuotationIn", "QuotationReplace", "QuotationSent")


class QuotationIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new quotation: the customer, its lines and terms.

    Name the customer by Finance partner id, or by name with an optional CRM company id
    (``partner_ref``): Finance creates or finds the partner (``finance.partners.ensure``).
    """

    lines: Annotated[list[LineIn], msgspec.Meta(max_length=200)]
    partner_id: UUID | None = None
    partner_ref: UUID | None = None
    partner_name: Name | None = None
    currency: Currency | None = None
    validity_date: date | None = None
    payment_terms: Terms | None = None
    notes: Terms = ""


class QuotationReplace(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A draft's new lines and terms (the customer and currency stay)."""

    lines: Annotated[list[LineIn], msgspec.Meta(max_length=200)]
    validity_date: date | None = None
    payment_terms: Terms | None = None
    notes: Terms = ""


class QuotationSent(msgspec.Struct, kw_only=True):
    """A sent quotation and where to download its PDF (until Mail sends it)."""

    download_url: str
    quotation: QuotationOut


@dataclass
class _PdfOperation(Operation):
    """The PDF route's 200 is ``application/pdf``."""

    def __post_init__(self) -> None:
        schema = Schema(type=OpenAPIType.STRING, description="The PDF.")
        self.responses = {
            **(self.responses or {}),
            "200": OpenAPIResponse(
                description="The PDF.",
                content={"application/pdf": OpenAPIMediaType(schema=schema)},
            ),
        }


class QuotationController(Controller):
    """Quotations to customers, versioned; an accepted one becomes a sales order."""

    path = "/quotations"
    tags = ["sales: quotations"]

    @get("/", summary="List quotations", opt=route_opt(permission=QUOTATIONS_READ))
    async def list_quotations(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        number: Annotated[
            str | None, QueryParameter(description="Versions of this number.", max_length=50)
        ] = None,
    ) -> Page[QuotationSummary]:
        """Quotation versions, oldest first (each version is listed; superseded ones too).

        Read only: nothing in stock or the ledger moves.
        """
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from sales_quotation where ($1::uuid is null or id > $1) "
                "and ($2::text is null or number = $2) order by id limit $3",
                after_id(cursor),
                number,
                limit + 1,
            )
        return page_of([quotation_summary(row) for row in rows], limit)

    @post("/", summary="Draft a quotation", opt=route_opt(permission=QUOTATIONS_WRITE))
    async def create(
        self,
        db: Db,
        services: Services,
        settings: TenantSettings[SalesSettings],
        data: Annotated[QuotationIn, body("POST /quotations", "Ten desks and assembly")],
    ) -> QuotationOut:
        """Draft a quotation (version 1) priced as Finance will invoice it.

        The product's taxes, else the company's default, through the customer's exemption
        and fiscal position, with the tenant's tax rounding (``finance.documents.preview``:
        nothing stored in Finance). Side effects: a CRM company named by ``partner_ref``
        becomes a Finance partner (``finance.partners.ensure``) when Finance is on. Nothing
        moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            row = await create_quotation(
                conn,
                services,
                settings,
                partner_id=data.partner_id,
                partner_ref=data.partner_ref,
                partner_name=data.partner_name,
                currency=data.currency,
                validity_date=data.validity_date,
                payment_terms=data.payment_terms,
                notes=data.notes,
                lines=data.lines,
            )
            return await quotation_view(conn, row)

    @get(
        "/{quotation_id:uuid}",
        summary="Show a quotation",
        opt=route_opt(permission=QUOTATIONS_READ),
    )
    async def show(self, db: Db, quotation_id: FromPath[UUID]) -> QuotationOut:
        """A quotation version with its lines, its versions and its order. Read only."""
        async with db.transaction() as conn:
            return await quotation_view(conn, await load_quotation(conn, quotation_id))

    @put(
        "/{quotation_id:uuid}",
        summary="Change a draft quotation",
        opt=route_opt(permission=QUOTATIONS_WRITE),
    )
    async def replace(
        self,
        db: Db,
        services: Services,
        quotation_id: FromPath[UUID],
        data: Annotated[
            QuotationReplace, body("PUT /quotations/{quotation_id}", "New lines and terms")
        ],
    ) -> QuotationOut:
        """Replace a draft's lines and terms; 409 once sent (revise it instead).

        The lines are priced again as Finance will invoice them (``finance.documents.preview``).
        Nothing moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            row = await replace_quotation(
                conn,
                services,
                quotation_id=quotation_id,
                validity_date=data.validity_date,
                payment_terms=data.payment_terms,
                notes=data.notes,
                lines=data.lines,
            )
            return await quotation_view(conn, row)

    @post(
        "/{quotation_id:uuid}/send",
        summary="Send a quotation",
        status_code=200,
        opt=route_opt(permission=QUOTATIONS_WRITE),
    )
    async def send_quotation(
        self, db: Db, events: Events, quotation_id: FromPath[UUID]
    ) -> QuotationSent:
        """Mark the quotation sent and answer the link to its PDF (until Mail sends it).

        Publishes ``sales.quotation.sent.v1``. Nothing moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            row = await send(conn, events, quotation_id)
            view = await quotation_view(conn, row)
        return QuotationSent(download_url=view.pdf_url, quotation=view)

    @post(
        "/{quotation_id:uuid}/accept",
        summary="Accept a quotation",
        status_code=200,
        opt=route_opt(permission=QUOTATIONS_WRITE),
    )
    async def accept_quotation(
        self, db: Db, events: Events, quotation_id: FromPath[UUID]
    ) -> QuotationOut:
        """Record the customer's acceptance; 409 when expired, declined or superseded.

        Publishes ``sales.quotation.accepted.v1``. Nothing moves in stock or the ledger
        (order it: ``POST /quotations/{id}/order``).
        """
        async with db.transaction() as conn:
            return await quotation_view(conn, await accept(conn, events, quotation_id))

    @post(
        "/{quotation_id:uuid}/decline",
        summary="Decline a quotation",
        status_code=200,
        opt=route_opt(permission=QUOTATIONS_WRITE),
    )
    async def decline_quotation(
        self, db: Db, events: Events, quotation_id: FromPath[UUID]
    ) -> QuotationOut:
        """Record the customer's refusal. Publishes ``sales.quotation.declined.v1``.

        Nothing moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            return await quotation_view(conn, await decline(conn, events, quotation_id))

    @post(
        "/{quotation_id:uuid}/revise",
        summary="Revise a quotation",
        opt=route_opt(permission=QUOTATIONS_WRITE),
    )
    async def revise_quotation(
        self,
        db: Db,
        events: Events,
        services: Services,
        settings: TenantSettings[SalesSettings],
        quotation_id: FromPath[UUID],
    ) -> QuotationOut:
        """Add a new version (a draft copy) and keep the old one read-only (``superseded``).

        The new version's lines are priced anew as Finance would invoice them today (its
        taxes and the customer's fiscal position may have changed). Publishes
        ``sales.quotation.revised.v1`` for the old version; answers the new one. Nothing
        moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            revised = await revise(conn, events, settings, quotation_id, services)
            return await quotation_view(conn, revised)

    @post(
        "/{quotation_id:uuid}/order",
        summary="Order an accepted quotation",
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def order(
        self,
        db: Db,
        services: Services,
        settings: TenantSettings[SalesSettings],
        quotation_id: FromPath[UUID],
    ) -> OrderOut:
        """Draft a sales order with the accepted quotation's lines, prices and taxes.

        Its lines are priced as Finance will invoice them (``finance.documents.preview``).

        409 when the quotation is not accepted or has its order. Nothing moves in stock or
        the ledger until the order is confirmed (reservation) and delivered or invoiced.
        """
        async with db.transaction() as conn:
            order_id = await order_from_quotation(conn, quotation_id, services)
            return await order_view(
                conn,
                services,
                await load_order(conn, order_id),
                default_policy=settings.invoice_policy,
            )

    @get(
        "/{quotation_id:uuid}/pdf",
        summary="The PDF of a quotation",
        opt=route_opt(permission=QUOTATIONS_READ),
        operation_class=_PdfOperation,
    )
    async def pdf(self, db: Db, quotation_id: FromPath[UUID]) -> Response[bytes]:
        """Render the quotation version as a PDF (Helvetica; text outside Latin-1 replaced).

        Read only: nothing is stored, nothing moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            view = await quotation_view(conn, await load_quotation(conn, quotation_id))
        # fpdf2 is imported with the first PDF asked for, not at start-up.
        from nexus_sales._pdf import quotation_pdf  # noqa: PLC0415

        content = await asyncio.to_thread(quotation_pdf, view)
        name = f"{view.number}-v{view.version}.pdf"
        headers: dict[str, Any] = {"Content-Disposition": f'inline; filename="{name}"'}
        return Response(content, media_type="application/pdf", headers=headers)
