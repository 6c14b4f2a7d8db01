"""Receipts and vendor bills, read on their own; approving a held bill."""

from __future__ import annotations

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
    after_id,
    page_of,
    route_opt,
)

from nexus_purchase._bills import BillOut, approve, read_bill
from nexus_purchase._keys import BILLS_APPROVE, BILLS_READ, RECEIPTS_READ
from nexus_purchase._receipts import ReceiptOut, read_receipt

__all__ = ("BillController", "ReceiptController")


class ReceiptController(Controller):
    """Goods received against purchase orders."""

    path = "/receipts"
    tags = ["purchase"]

    @get("/{receipt_id:uuid}", summary="Show a receipt", opt=route_opt(permission=RECEIPTS_READ))
    async def show_receipt(self, db: Db, receipt_id: FromPath[UUID]) -> ReceiptOut:
        """One receipt with its Inventory moves, its order and the order's bills."""
        async with db.transaction() as conn:
            return await read_receipt(conn, receipt_id)


class BillController(Controller):
    """Vendor bills matched with their orders and receipts."""

    path = "/bills"
    tags = ["purchase"]

    @get("/", summary="List vendor bills", opt=route_opt(permission=BILLS_READ))
    async def list_bills(
        self,
        db: Db,
        cursor: Cursor = None,
        limit: Limit = 50,
        in_state: Annotated[
            Literal["held", "posted"] | None,
            QueryParameter(name="state", description="In this state."),
        ] = None,
        order_id: Annotated[UUID | None, QueryParameter(description="This order's.")] = None,
    ) -> Page[BillOut]:
        """Bills, oldest first, with their differences line by line. Reads only."""
        after = after_id(cursor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id from purchase_bill where ($1::uuid is null or id > $1) "
                "and ($2::text is null or state = $2) and ($3::uuid is null or order_id = $3) "
                "order by id limit $4",
                after,
                in_state,
                order_id,
                limit + 1,
            )
            items = [await read_bill(conn, row["id"]) for row in rows]
        return page_of(items, limit)

    @get("/{bill_id:uuid}", summary="Show a vendor bill", opt=route_opt(permission=BILLS_READ))
    async def show_bill(self, db: Db, bill_id: FromPath[UUID]) -> BillOut:
        """One bill: its differences, its order, receipts and Finance document. Reads only."""
        async with db.transaction() as conn:
            return await read_bill(conn, bill_id)

    @post(
        "/{bill_id:uuid}/approve",
        summary="Approve a held vendor bill",
        status_code=200,
        opt=route_opt(permission=BILLS_APPROVE),
    )
    async def approve_bill(
        self, db: Db, events: Events, services: Services, bill_id: FromPath[UUID]
    ) -> BillOut:
        """Approve a held bill's differences and post it in Finance as billed (409 unless held).

        Dr Stock received not billed at the order price, Dr Purchase price differences for
        (billed − ordered price) × quantity, Dr input tax / Cr Payable;
        ``purchase.bill.matched.v1`` (``approved``). 409 naming ``finance`` when it is off.
        """
        async with db.transaction() as conn:
            await approve(conn, events, services, bill_id)
            return await read_bill(conn, bill_id)
