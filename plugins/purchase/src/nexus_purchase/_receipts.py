"""Receipts against purchase orders: Inventory's receipt moves, partial and backordered.

A receipt calls ``inventory.receive`` with each line at the order line's unit price: the
stock comes in, and Inventory's valuation event makes Finance book Dr Inventory / Cr Stock
received not billed. What is left of a line stays expected (the backorder).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, Quantity, conflict, invalid, not_found

from nexus_purchase._amounts import MAX_AMOUNT, dec
from nexus_purchase._calls import RECEIVE, Received
from nexus_purchase._events import RECEIPT_DONE, ReceiptDone, ReceiptDoneLine
from nexus_purchase._orders import OPEN_FOR_RECEIPT, read_order

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher, Services

__all__ = (
    "ReceiptCreate",
    "ReceiptLineIn",
    "ReceiptLineOut",
    "ReceiptOut",
    "read_receipt",
    "receive",
)


class ReceiptLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A quantity of an order line received."""

    order_line_id: UUID
    quantity: Quantity


class ReceiptCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """What arrived: the lines named, or (none named) everything still expected."""

    lines: Annotated[list[ReceiptLineIn], msgspec.Meta(max_length=200)] | None = None
    date: dt.date | None = None


class ReceiptLineOut(msgspec.Struct, kw_only=True):
    """A line received, with Inventory's move and the value it added to stock."""

    id: UUID
    order_line_id: UUID
    product_id: UUID | None
    quantity: str
    unit_cost: str
    value: str | None
    move_id: UUID | None


class ReceiptOut(msgspec.Struct, kw_only=True):
    """A receipt, linked to its order (and, through it, the order's bills)."""

    id: UUID
    number: str
    order_id: UUID
    order_number: str
    order_state: str
    date: dt.date
    lines: list[ReceiptLineOut]
    bill_ids: list[UUID]
    created_at: dt.datetime


async def read_receipt(conn: Connection, receipt_id: UUID) -> ReceiptOut:
    """One receipt (404 when not the tenant's)."""
    row = await conn.fetchrow(
        "select r.*, o.number as order_number, o.state as order_state from purchase_receipt r "
        "join purchase_order o on o.id = r.order_id where r.id = $1",
        receipt_id,
    )
    if row is None:
        not_found()
    lines = await conn.fetch(
        "select rl.*, l.product_id from purchase_receipt_line rl join purchase_order_line l "
        "on l.id = rl.order_line_id where rl.receipt_id = $1 order by l.position",
        receipt_id,
    )
    bills = await conn.fetch(
        "select id from purchase_bill where order_id = $1 order by created_at, id",
        row["order_id"],
    )
    return ReceiptOut(
        id=row["id"],
        number=row["number"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        order_state=row["order_state"],
        date=row["date"],
        lines=[
            ReceiptLineOut(
                id=line["id"],
                order_line_id=line["order_line_id"],
                product_id=line["product_id"],
                quantity=dec(line["quantity"]),
                unit_cost=dec(line["unit_cost"]),
                value=dec(line["value"]) if line["value"] is not None else None,
                move_id=line["move_id"],
            )
            for line in lines
        ],
        bill_ids=[bill["id"] for bill in bills],
        created_at=row["created_at"],
    )


async def receive(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    order_id: UUID,
    data: ReceiptCreate,
) -> UUID:
    """Receive goods against a confirmed order through ``inventory.receive``.

    409 unless the order is confirmed or partially received, or when nothing is left to
    receive; 422 naming the line for an unknown line, a service line, or more than is left.
    """
    order = await read_order(conn, order_id, lock=True)
    if order.state not in OPEN_FOR_RECEIPT:
        conflict(f"the order is {order.state}: only a confirmed order receives goods")
    lines = {line.id: line for line in order.lines}
    wanted: list[tuple[UUID, Decimal]] = []
    if data.lines is None:
        wanted = [
            (line.id, Decimal(line.to_receive))
            for line in order.lines
            if line.tracked and Decimal(line.to_receive) > 0
        ]
        if not wanted:
            conflict("nothing is left to receive on the order")
    else:
        if not data.lines:
            invalid("lines", "name at least one line, or leave lines out to receive everything")
        errors = FieldErrors()
        for index, item in enumerate(data.lines):
            key = f"lines[{index}]"
            line = lines.get(item.order_line_id)
            if line is None:
                errors.add(f"{key}.order_line_id", "not a line of this order")
            elif not line.tracked:
                errors.add(f"{key}.order_line_id", "not a stocked product: nothing to receive")
            elif not (item.quantity.is_finite() and 0 < item.quantity < MAX_AMOUNT):
                errors.add(f"{key}.quantity", "must be more than zero")
            elif item.quantity > Decimal(line.to_receive) - sum(
                (q for lid, q in wanted if lid == line.id), Decimal(0)
            ):
                errors.add(f"{key}.quantity", f"only {line.to_receive} is left to receive")
            else:
                wanted.append((line.id, item.quantity))
        errors.raise_if_any()
    receipt_id = new_id()
    count = await conn.fetchval(
        "select count(*) from purchase_receipt where order_id = $1", order_id
    )
    number = f"{order.number}/R{int(count) + 1}"
    await conn.execute(
        "insert into purchase_receipt (id, order_id, number, date) values "
        "($1, $2, $3, coalesce($4, current_date))",
        receipt_id,
        order_id,
        number,
        data.date,
    )
    request_lines = []
    rows: list[tuple[UUID, UUID, Decimal, Decimal]] = []
    for line_id, quantity in wanted:
        line = lines[line_id]
        receipt_line = new_id()
        rows.append((receipt_line, line_id, quantity, Decimal(line.unit_price)))
        request_lines.append(
            {
                "origin_line": str(receipt_line),
                "product_id": line.product_id,
                "quantity": quantity,
                "unit_cost": Decimal(line.unit_price),
                "currency": order.currency,
            }
        )
    received: Received = await services.call(
        conn,
        RECEIVE,
        {"origin": f"purchase.receipt:{receipt_id}", "reference": number, "lines": request_lines},
        result=Received,
    )
    moved = {item.origin_line: item for item in received.lines}
    done_lines = []
    for receipt_line, line_id, quantity, unit_cost in rows:
        answer = moved.get(str(receipt_line))
        await conn.execute(
            "insert into purchase_receipt_line (id, receipt_id, order_line_id, quantity, "
            "unit_cost, value, move_id) values ($1, $2, $3, $4, $5, $6, $7)",
            receipt_line,
            receipt_id,
            line_id,
            quantity,
            unit_cost,
            Decimal(answer.value) if answer else None,
            answer.move_id if answer else None,
        )
        await conn.execute(
            "update purchase_order_line set received = received + $2 where id = $1",
            line_id,
            quantity,
        )
        product_id = lines[line_id].product_id
        assert product_id is not None  # noqa: S101 - tracked lines name a product
        done_lines.append(
            ReceiptDoneLine(
                order_line_id=line_id,
                product_id=product_id,
                quantity=dec(quantity),
                unit_cost=dec(unit_cost),
                move_id=answer.move_id if answer else None,
            )
        )
    left = await conn.fetchval(
        "select exists (select 1 from purchase_order_line where order_id = $1 and tracked "
        "and received < quantity)",
        order_id,
    )
    state = "partially_received" if left else "received"
    await conn.execute("update purchase_order set state = $2 where id = $1", order_id, state)
    await events.publish(
        conn,
        type=RECEIPT_DONE.type,
        data=ReceiptDone(
            receipt_id=receipt_id,
            number=number,
            order_id=order_id,
            order_state=state,
            lines=done_lines,
        ),
        subject=str(receipt_id),
    )
    return receipt_id
