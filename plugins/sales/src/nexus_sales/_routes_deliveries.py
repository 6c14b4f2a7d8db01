"""Deliveries: show one; return goods of it (stock back, credit note)."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import Db, Events, Quantity, Services, not_found, route_opt

from nexus_sales._deliveries import return_delivery
from nexus_sales._examples import body
from nexus_sales._fields import Name
from nexus_sales._keys import ORDERS_READ, ORDERS_WRITE
from nexus_sales._views import DeliveryOut, ReturnOut, delivery_view, return_view

__all__ = ("DeliveryController", "ReturnIn", "ReturnLineIn")


class ReturnLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """How many of a delivery line come back."""

    delivery_line_id: UUID
    quantity: Quantity


class ReturnIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Goods coming back, and whether to credit them (when they were invoiced)."""

    lines: Annotated[list[ReturnLineIn], msgspec.Meta(max_length=200)]
    credit: bool = True
    reason: Name = "Returned goods"


class DeliveryController(Controller):
    """Deliveries of sales orders and the returns against them."""

    path = "/"
    tags = ["sales: deliveries"]

    @get(
        "/deliveries/{delivery_id:uuid}",
        summary="Show a delivery",
        opt=route_opt(permission=ORDERS_READ),
    )
    async def show(self, db: Db, delivery_id: FromPath[UUID]) -> DeliveryOut:
        """A delivery with its lines: quantity, unit cost, value, Inventory move. Read only."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from sales_delivery where id = $1", delivery_id)
            if row is None:
                not_found()
            return await delivery_view(conn, row)

    @get(
        "/returns/{return_id:uuid}", summary="Show a return", opt=route_opt(permission=ORDERS_READ)
    )
    async def show_return(self, db: Db, return_id: FromPath[UUID]) -> ReturnOut:
        """A return with its lines and credit note. Read only."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from sales_return where id = $1", return_id)
            if row is None:
                not_found()
            return await return_view(conn, row)

    @post(
        "/deliveries/{delivery_id:uuid}/returns",
        summary="Return goods of a delivery",
        opt=route_opt(permission=ORDERS_WRITE),
    )
    async def return_goods(
        self,
        db: Db,
        services: Services,
        events: Events,
        delivery_id: FromPath[UUID],
        data: Annotated[
            ReturnIn, body("POST /deliveries/{delivery_id}/returns", "One desk back, credited")
        ],
    ) -> ReturnOut:
        """Take goods of a delivery back.

        Stock: ``inventory.return`` puts them back at the unit cost they left with. Ledger:
        Finance reverses cost of sales from Inventory's valuation event (Dr Inventory /
        Cr Cost of goods sold); with ``credit`` and goods that were invoiced,
        ``finance.documents.credit`` posts a credit note linked to the invoice and matched
        against it (Dr Sales and the taxes / Cr Receivables). Publishes
        ``sales.return.done.v1``. 409 ServiceUnavailable when Inventory (or, to credit,
        Finance) is off.
        """
        asked = [(line.delivery_line_id, line.quantity) for line in data.lines]
        async with db.transaction() as conn:
            return_id = await return_delivery(
                conn,
                services,
                events,
                delivery_id=delivery_id,
                asked=asked,
                with_credit=data.credit,
                reason=data.reason,
            )
            row = await conn.fetchrow("select * from sales_return where id = $1", return_id)
            return await return_view(conn, row)
