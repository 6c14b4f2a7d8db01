"""Sales orders: list, show (the chain), create, confirm, cancel, deliver, invoice."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    Quantity,
    Services,
    TenantSettings,
    after_id,
    page_of,
    route_opt,
)

from nexus_sales._deliveries import deliver_order
from nexus_sales._examples import body
from nexus_sales._fields import Currency, LineIn, Name, Terms
from nexus_sales._invoicing import invoice_order
from nexus_sales._keys import ORDERS_READ, ORDERS_WRITE
from nexus_sales._orders import cancel, confirm, create_order, load_order
from nexus_sales._settings import SalesSettings
from nexus_sales._views import DeliveryOut, OrderOut, delivery_view, money, order_view

__all__ = (
    "DeliveryIn",
    "DeliveryLineIn",
    "InvoiceIn",
    "OrderController",
    "OrderIn",
    "OrderInvoice",
    "OrderSummary",
)

_STATES = [
    "draft",
    "confirmed",
    "partially_delivered",
    "delivered",
    "partially_invoiced",
    "invoiced",
    "done",
    "cancelled",
]


class OrderIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A sales order drafted directly (without a quotation)."""

    lines: Annotated[list[LineIn], msgspec.Meta(max_length=200)]
    partner_id: UUID | None = None
    partner_ref: UUID | None = None
    partner_name: Name | None = None
    currency: Currency | None = None
    payment_terms: Terms | None = None


class DeliveryLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How many of an order line to deliver now."""

    order_line_id: UUID
    quantity: Quantity


class DeliveryIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What to deliver; no ``lines``: everything left to deliver."""

    lines: Annotated[list[DeliveryLineIn], msgspec.Meta(max_length=200)] | None = None


class InvoiceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Whether to post the invoice at once (else it stays a Finance draft)."""

    post: bool = False


class OrderSummary(msgspec.Struct, kw_only=True):
    """An order in a list."""

    id: UUID
    number: str
    state: str
    partner_name: str
    currency: str
    quotation_id: UUID | None
    deal_id: UUID | None
    created_at: datetime


class OrderInvoice(msgspec.Struct, kw_only=True):
    """The Finance invoice an order drafted (or posted)."""

    document_id: UUID
    number: str | None
    state: str
    untaxed_total: str
    tax_total: str
    total: str
    currency: str
    source_ref: str
    order: OrderOut


class OrderController(Controller):
    """Sales orders and what they moved: reservations, deliveries, invoices."""

    path = "/orders"
    tags = ["sales: orders"]

    @get("/", summary="List sales orders", opt=route_opt(permission=ORDERS_READ))
    async def list_orders(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        in_state: Annotated[
            str | None, QueryParameter(name="state", description="In this state.", enum=_STATES)
        ] = None,
    ) -> Page[OrderSummary]:
        """Orders, oldest first. Read only."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select * from sales_order where ($1::uuid is null or id > $1) "
                "and ($2::text is null or state = $2) order by id limit $3",
                after_id(cursor),
                in_state,
                limit + 1,
            )
        items = [
            OrderSummary(
                id=row["id"],
                number=row["number"],
                state=row["state"],
                partner_name=row["partner_name"],
                currency=row["currency"].strip(),
                quotation_id=row["quotation_id"],
                deal_id=row["deal_id"],
                created_at=row["created_at"],
            )
            for row in rows
        ]
        return page_of(items, limit)

    @post("/", summary="Draft a sales order", opt=route_opt(permission=ORDERS_WRITE))
    async def create(
        self,
        db: Db,
        services: Services,
        settings: TenantSettings[SalesSettings],
        data: Annotated[OrderIn, body("POST /orders", "Ten desks and assembly")],
    ) -> OrderOut:
        """Draft an order without a quotation, priced as Finance will invoice it.

        Its lines' taxes and totals are Finance's (``finance.documents.preview``: the
        product's taxes, the customer's exemption and fiscal position). Side effects: a CRM
        company named by ``partner_ref`` becomes a Finance partner when Finance is on.
        Nothing moves in stock or the ledger until it is confirmed.
        """
        async with db.transaction() as conn:
            order_id = await create_order(
                conn,
                services,
                partner_id=data.partner_id,
                partner_ref=data.partner_ref,
                partner_name=data.partner_name,
                currency=data.currency or settings.default_currency,
                payment_terms=settings.payment_terms
                if data.payment_terms is None
                else data.payment_terms,
                lines=data.lines,
            )
            return await order_view(
                conn,
                services,
                await load_order(conn, order_id),
                default_policy=settings.invoice_policy,
            )

    @get("/{order_id:uuid}", summary="Show a sales order", opt=route_opt(permission=ORDERS_READ))
    async def show(
        self,
        db: Db,
        services: Services,
        settings: TenantSettings[SalesSettings],
        order_id: FromPath[UUID],
    ) -> OrderOut:
        """The order and its chain.

        Deal, quotation (+ versions), deliveries, backorders, returns, invoices and credit
        notes with their state and amount paid (read from Finance when it is on). Read only.
        """
        async with db.transaction() as conn:
            return await order_view(
                conn,
                services,
                await load_order(conn, order_id),
                default_policy=settings.invoice_policy,
            )

    @post(
        "/{order_id:uuid}/confirm",
        summary="Confirm a sales order",
        status_code=200,
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def confirm_order(
        self,
        db: Db,
        services: Services,
        events: Events,
        settings: TenantSettings[SalesSettings],
        order_id: FromPath[UUID],
    ) -> OrderOut:
        """Confirm a draft order and reserve its products' stock.

        Stock: ``inventory.reserve`` holds the quantities when Inventory is on (available =
        on hand − reserved; on hand unchanged).

        Publishes ``sales.order.confirmed.v1``. Nothing is booked in the ledger.
        """
        async with db.transaction() as conn:
            row = await confirm(conn, services, events, order_id)
            return await order_view(conn, services, row, default_policy=settings.invoice_policy)

    @post(
        "/{order_id:uuid}/cancel",
        summary="Cancel a sales order",
        status_code=200,
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def cancel_order(
        self,
        db: Db,
        services: Services,
        events: Events,
        settings: TenantSettings[SalesSettings],
        order_id: FromPath[UUID],
    ) -> OrderOut:
        """Cancel an order with nothing delivered or invoiced.

        Stock: its reservations are released (``inventory.release``). Publishes
        ``sales.order.cancelled.v1``. Nothing is booked in the ledger.
        """
        async with db.transaction() as conn:
            row = await cancel(conn, services, events, order_id)
            return await order_view(conn, services, row, default_policy=settings.invoice_policy)

    @post(
        "/{order_id:uuid}/deliveries",
        summary="Deliver a sales order's goods",
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def deliver(
        self,
        db: Db,
        services: Services,
        events: Events,
        settings: TenantSettings[SalesSettings],
        order_id: FromPath[UUID],
        data: Annotated[DeliveryIn, body("POST /orders/{order_id}/deliveries", "Six desks")],
    ) -> DeliveryOut:
        """Deliver goods now through ``inventory.deliver`` (no lines: everything left).

        Stock: the quantities leave the warehouse at average cost (Inventory's delivery
        moves, consuming the order's reservation). Ledger: Finance books cost of sales from
        Inventory's valuation event (Dr Cost of goods sold / Cr Inventory). Over-selling
        follows the ``oversell_policy`` setting: ``refuse`` answers Inventory's 409 naming
        the product, on hand and requested, and nothing is stored; ``backorder`` delivers
        what is there and leaves the rest on the order's backorders. Publishes
        ``sales.delivery.done.v1``. 409 ServiceUnavailable when Inventory is off.
        """
        asked = None
        if data.lines is not None:
            asked = [(line.order_line_id, line.quantity) for line in data.lines]
        async with db.transaction() as conn:
            delivery_id = await deliver_order(
                conn, services, events, settings, order_id=order_id, asked=asked
            )
            row = await conn.fetchrow("select * from sales_delivery where id = $1", delivery_id)
            return await delivery_view(conn, row)

    @post(
        "/{order_id:uuid}/invoice",
        summary="Invoice a sales order",
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def invoice(
        self,
        db: Db,
        services: Services,
        events: Events,
        settings: TenantSettings[SalesSettings],
        order_id: FromPath[UUID],
        data: Annotated[InvoiceIn, body("POST /orders/{order_id}/invoice", "Invoice and post")],
    ) -> OrderInvoice:
        """Draft (``post``: and post) a Finance invoice for what the order has to invoice.

        Each product invoices by its policy (ordered, or delivered) less what was returned
        and invoiced before; lines carry their prices, discounts, taxes and product ids;
        source ``sales.order:<id>:<n>``. Ledger, once posted: Dr Receivables / Cr Sales and
        Cr the taxes' accounts. Stock does not move. Publishes ``sales.order.invoiced.v1``.
        409 ServiceUnavailable when Finance is off; 409 when nothing is left to invoice.
        """
        async with db.transaction() as conn:
            link, document = await invoice_order(
                conn, services, events, settings, order_id=order_id, post=data.post
            )
            view = await order_view(
                conn,
                services,
                await load_order(conn, order_id),
                default_policy=settings.invoice_policy,
            )
        currency = document.currency
        return OrderInvoice(
            document_id=document.id,
            number=document.number,
            state=document.state,
            untaxed_total=money(document.untaxed_total, currency),
            tax_total=money(document.tax_total, currency),
            total=money(document.total, currency),
            currency=currency,
            source_ref=link["source_ref"],
            order=view,
        )
