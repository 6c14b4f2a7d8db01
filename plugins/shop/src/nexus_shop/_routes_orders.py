"""Admin routes of orders: list, show, record an offline payment, cancel, expire."""

from __future__ import annotations

from typing import Annotated, Literal
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
    Services,
    TenantSettings,
    after_id,
    conflict,
    not_found,
    page_of,
    route_opt,
)

from nexus_shop._cancel import cancel_order, expire
from nexus_shop._examples import body
from nexus_shop._keys import ORDERS_READ, ORDERS_WRITE
from nexus_shop._orders import OrderOut, order_out, pay_order
from nexus_shop._settings import ShopSettings

__all__ = ("OrderController",)

_READ = route_opt(permission=ORDERS_READ)
_WRITE = route_opt(permission=ORDERS_WRITE)
Status = Literal["pending_payment", "paid", "fulfilled", "cancelled"]


class PaymentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An offline payment received in full (bank transfer or cash on delivery)."""

    note: Annotated[str, msgspec.Meta(max_length=500)] | None = None


class CancelIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Why the order is cancelled (told to the customer)."""

    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class ExpireIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Nothing to say: the sweep runs at the database's time."""


class Expired(msgspec.Struct, kw_only=True):
    """What one run of the expiry sweep did."""

    orders_cancelled: int
    carts_abandoned: int


class OrderController(Controller):
    """The storefront's orders."""

    path = "/orders"
    tags = ["shop: orders"]

    @get("/", opt=_READ)
    async def list_orders(
        self,
        db: Db,
        status: Annotated[Status | None, QueryParameter(description="Only these.")] = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[OrderOut]:
        """Orders, oldest first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from shop_order where ($1::uuid is null or id > $1) "
                "and ($2::text is null or status = $2) order by id limit $3",
                after_id(cursor),
                status,
                limit + 1,
            )
            return page_of([await order_out(conn, row["id"]) for row in rows], limit)

    @get("/{order_id:uuid}", opt=_READ)
    async def show_order(
        self, db: Db, settings: TenantSettings[ShopSettings], order_id: FromPath[UUID]
    ) -> OrderOut:
        """One order with its lines, invoice, payment and status."""
        async with db.transaction() as conn:
            return await order_out(conn, order_id, settings)

    @post("/{order_id:uuid}/payments", opt=_WRITE, status_code=200)
    async def record_payment(
        self,
        db: Db,
        events: Events,
        services: Services,
        settings: TenantSettings[ShopSettings],
        order_id: FromPath[UUID],
        data: Annotated[PaymentIn, body("POST /orders/{order_id}/payments", "Transfer in")],
    ) -> OrderOut:
        """Record that an offline order was paid in full: its goods are delivered.

        For bank transfer and cash on delivery orders; the money itself is recorded in
        Finance as any customer payment. 409 for an online order (Payments confirms
        those) or one that is not waiting for payment.
        """
        async with db.transaction() as conn:
            order = await conn.fetchrow(
                "select payment_method, status from shop_order where id = $1", order_id
            )
            if order is None:
                not_found()
            if order["payment_method"] == "online":
                conflict("an online order is paid through Payments")
            if order["status"] != "pending_payment":
                conflict(f"the order is {order['status']}")
            await pay_order(
                conn,
                events,
                services,
                settings,
                order_id=order_id,
                amount=None,
                currency=None,
                payment_id=None,
                method=order["payment_method"],
            )
            return await order_out(conn, order_id, settings)

    @post("/{order_id:uuid}/cancel", opt=_WRITE, status_code=200)
    async def cancel(
        self,
        db: Db,
        events: Events,
        services: Services,
        settings: TenantSettings[ShopSettings],
        order_id: FromPath[UUID],
        data: Annotated[CancelIn, body("POST /orders/{order_id}/cancel", "Out of stock")],
    ) -> OrderOut:
        """Cancel an unpaid order: stock released, invoice credited, customer told.

        409 once paid (a refund and a return are needed instead).
        """
        async with db.transaction() as conn:
            await cancel_order(
                conn, events, services, settings, order_id=order_id, reason=data.reason
            )
            return await order_out(conn, order_id, settings)

    @post("/expire", opt=_WRITE, status_code=200)
    async def expire_now(
        self,
        db: Db,
        events: Events,
        services: Services,
        settings: TenantSettings[ShopSettings],
        data: Annotated[ExpireIn, body("POST /orders/expire", "Run the sweep")],
    ) -> Expired:
        """Run the expiry sweep for this tenant now.

        The background sweep does it every ``NEXUS_SHOP_SWEEP_S`` seconds: unpaid orders
        past ``expires_at`` are cancelled, carts untouched for ``cart_days`` abandoned.
        """
        async with db.transaction() as conn:
            orders, carts = await expire(conn, events, services, settings)
        return Expired(orders_cancelled=orders, carts_abandoned=carts)
