"""Requests for quotation and purchase orders, their receipts and their vendor bills."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from litestar import Controller, get, post
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

from nexus_purchase import _orders
from nexus_purchase._bills import BillCreate, BillOut, create_bill, read_bill
from nexus_purchase._examples import body
from nexus_purchase._keys import (
    BILLS_WRITE,
    ORDERS_READ,
    ORDERS_WRITE,
    RECEIPTS_WRITE,
)
from nexus_purchase._orders import OrderCreate, OrderOut, create_order, read_order
from nexus_purchase._receipts import ReceiptCreate, ReceiptOut, read_receipt, receive
from nexus_purchase._settings import PurchaseSettings

__all__ = ("OrderController",)

State = Literal[
    "draft", "sent", "confirmed", "partially_received", "received", "billed", "cancelled"
]


class OrderController(Controller):
    """Requests for quotation (draft, sent) and purchase orders (confirmed and after)."""

    path = "/orders"
    tags = ["purchase"]

    @post("/", summary="Create a request for quotation", opt=route_opt(permission=ORDERS_WRITE))
    async def create_order(
        self,
        db: Db,
        services: Services,
        settings: TenantSettings[PurchaseSettings],
        data: Annotated[OrderCreate, body("POST /orders", "A service line")],
    ) -> OrderOut:
        """Create a draft request for quotation to a vendor.

        Product lines are read from Inventory (``inventory.products.get``: 409 naming
        ``inventory`` when it is off); their price defaults to the vendor's. Nothing moves
        in stock or the ledger.
        """
        async with db.transaction() as conn:
            order_id = await create_order(conn, services, data, settings)
            return await read_order(conn, order_id)

    @get(
        "/", summary="List requests for quotation and orders", opt=route_opt(permission=ORDERS_READ)
    )
    async def list_orders(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        in_state: Annotated[
            State | None, QueryParameter(name="state", description="In this state.")
        ] = None,
        vendor_id: Annotated[UUID | None, QueryParameter(description="This vendor's.")] = None,
    ) -> Page[OrderOut]:
        """Orders, oldest first, with their lines, receipts and bills. Reads only."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from purchase_order where ($1::uuid is null or id > $1) "
                "and ($2::text is null or state = $2) and ($3::uuid is null or vendor_id = $3) "
                "order by id limit $4",
                after,
                in_state,
                vendor_id,
                limit + 1,
            )
            items = [await read_order(conn, row["id"]) for row in rows]
        return page_of(items, limit)

    @get("/{order_id:uuid}", summary="Show an order", opt=route_opt(permission=ORDERS_READ))
    async def show_order(self, db: Db, order_id: FromPath[UUID]) -> OrderOut:
        """One order with its lines (received, to receive, billed), receipts and bills."""
        async with db.transaction() as conn:
            return await read_order(conn, order_id)

    @post(
        "/{order_id:uuid}/send",
        summary="Send a request for quotation",
        status_code=200,
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def send_order(self, db: Db, events: Events, order_id: FromPath[UUID]) -> OrderOut:
        """Mark a draft RFQ sent (409 unless draft); publishes ``purchase.order.sent.v1``.

        Nothing moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            return await _orders.send(conn, events, order_id)

    @post(
        "/{order_id:uuid}/confirm",
        summary="Confirm a purchase order",
        status_code=200,
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def confirm_order(self, db: Db, events: Events, order_id: FromPath[UUID]) -> OrderOut:
        """Confirm a draft or sent RFQ as a purchase order (409 otherwise).

        Its stocked lines are now expected; publishes ``purchase.order.confirmed.v1``.
        Nothing moves in stock or the ledger until goods are received.
        """
        async with db.transaction() as conn:
            return await _orders.confirm(conn, events, order_id)

    @post(
        "/{order_id:uuid}/cancel",
        summary="Cancel an order",
        status_code=200,
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def cancel_order(self, db: Db, events: Events, order_id: FromPath[UUID]) -> OrderOut:
        """Cancel an RFQ or an order nothing was received or billed of (409 otherwise).

        Publishes ``purchase.order.cancelled.v1``; nothing moves in stock or the ledger.
        """
        async with db.transaction() as conn:
            return await _orders.cancel(conn, events, order_id)

    @post(
        "/{order_id:uuid}/receipts",
        summary="Receive goods against an order",
        opt=route_opt(permission=RECEIPTS_WRITE),
    )
    async def receive_order(
        self,
        db: Db,
        events: Events,
        services: Services,
        order_id: FromPath[UUID],
        data: Annotated[
            ReceiptCreate, body("POST /orders/{order_id}/receipts", "60 of the 100 ordered")
        ],
    ) -> ReceiptOut:
        """Receive the lines named (none named: everything still expected).

        Calls ``inventory.receive`` at the order's unit prices: stock comes in and
        Inventory's valuation makes Finance book Dr Inventory / Cr Stock received not
        billed. What is left stays expected (the order is ``partially_received``).
        Publishes ``purchase.receipt.done.v1``. 409 unless the order is confirmed or
        partially received, or naming ``inventory`` when it is off.
        """
        async with db.transaction() as conn:
            receipt_id = await receive(conn, events, services, order_id, data)
            return await read_receipt(conn, receipt_id)

    @post(
        "/{order_id:uuid}/bills",
        summary="Record a vendor bill against an order",
        opt=route_opt(permission=BILLS_WRITE),
    )
    async def bill_order(
        self,
        db: Db,
        events: Events,
        services: Services,
        settings: TenantSettings[PurchaseSettings],
        order_id: FromPath[UUID],
        data: Annotated[BillCreate, body("POST /orders/{order_id}/bills", "The whole order")],
    ) -> BillOut:
        """Record a vendor bill and match it with the order and its receipts.

        A line billing more than was received, or at another price than ordered (beyond
        the ``price_tolerance`` setting), holds the bill (``held``;
        ``purchase.bill.held.v1``; nothing booked) until approved. A matching bill is
        posted in Finance (``finance.documents.draft``): Dr Stock received not billed at
        the order price, Dr expenses for service lines, Dr input tax / Cr Payable;
        ``purchase.bill.matched.v1``. 409 naming ``finance`` when it is off.
        """
        async with db.transaction() as conn:
            bill_id = await create_bill(
                conn,
                events,
                services,
                order_id,
                data,
                tolerance=Decimal(settings.price_tolerance),
            )
            return await read_bill(conn, bill_id)
