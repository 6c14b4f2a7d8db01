"""Vendor bills matched to orders and receipts (the three-way match).

Each billed line is compared with its order line: the billed quantity (with what earlier
bills of the line billed) with the quantity received (ordered, for a service line), the
billed unit price with the ordered one. A bill with a difference is ``held``: nothing goes
to Finance until it is approved. A matched or approved bill is drafted and posted in
Finance through ``finance.documents.draft``: a stocked line at the ORDER price on Stock
received not billed (clearing what its receipt credited), the price difference on
Purchase price differences, a service line on expenses as usual.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, Money, Quantity, conflict, invalid, not_found

from nexus_purchase._amounts import MAX_AMOUNT, dec
from nexus_purchase._calls import DOCUMENTS_DRAFT, Document
from nexus_purchase._events import (
    BILL_HELD,
    BILL_MATCHED,
    BillDifference,
    BillHeld,
    BillMatched,
)
from nexus_purchase._orders import OrderLineOut, read_order

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher, Services

__all__ = (
    "BillCreate",
    "BillLineIn",
    "BillLineOut",
    "BillOut",
    "approve",
    "create_bill",
    "read_bill",
)

BILLABLE = ("confirmed", "partially_received", "received", "billed")


class BillLineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A line of the vendor's bill: the order line, the quantity and the unit price billed."""

    order_line_id: UUID
    quantity: Quantity
    unit_price: Money


class BillCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A vendor bill against the order (``vendor_reference``: the vendor's number)."""

    vendor_reference: Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
    date: dt.date
    lines: Annotated[list[BillLineIn], msgspec.Meta(min_length=1, max_length=200)]
    due_date: dt.date | None = None


class BillLineOut(msgspec.Struct, kw_only=True):
    """A billed line next to its order line and receipts: the differences, line by line.

    ``quantity_difference``: billed (with earlier bills of the line) less received;
    ``price_difference``: billed less ordered unit price. Both ``"0"`` when it matches.
    """

    id: UUID
    order_line_id: UUID
    product_id: UUID | None
    description: str
    quantity: str
    received: str
    quantity_difference: str
    unit_price: str
    ordered_price: str
    price_difference: str
    matched: bool


class BillOut(msgspec.Struct, kw_only=True):
    """A vendor bill: ``held`` for approval, or ``posted`` in Finance (``document_id``)."""

    id: UUID
    order_id: UUID
    order_number: str
    vendor_id: UUID
    vendor_reference: str
    date: dt.date
    state: str
    matched: bool
    approved_at: dt.datetime | None
    currency: str
    document_id: UUID | None
    document_number: str | None
    credit_document_id: UUID | None
    untaxed_total: str | None
    tax_total: str | None
    total: str | None
    lines: list[BillLineOut]
    receipt_ids: list[UUID]
    created_at: dt.datetime


def _num(value: Any) -> str | None:
    return dec(value) if value is not None else None


async def read_bill(conn: Connection, bill_id: UUID) -> BillOut:
    """One bill with its differences and links (404 when not the tenant's)."""
    row = await conn.fetchrow(
        "select b.*, o.number as order_number, o.vendor_id, o.currency from purchase_bill b "
        "join purchase_order o on o.id = b.order_id where b.id = $1",
        bill_id,
    )
    if row is None:
        not_found()
    lines = await conn.fetch(
        "select bl.*, l.product_id, l.description from purchase_bill_line bl "
        "join purchase_order_line l on l.id = bl.order_line_id where bl.bill_id = $1 "
        "order by l.position, bl.id",
        bill_id,
    )
    receipts = await conn.fetch(
        "select id from purchase_receipt where order_id = $1 order by created_at, number",
        row["order_id"],
    )
    return BillOut(
        id=row["id"],
        order_id=row["order_id"],
        order_number=row["order_number"],
        vendor_id=row["vendor_id"],
        vendor_reference=row["vendor_reference"],
        date=row["date"],
        state=row["state"],
        matched=row["matched"],
        approved_at=row["approved_at"],
        currency=row["currency"].strip(),
        document_id=row["document_id"],
        document_number=row["document_number"],
        credit_document_id=row["credit_document_id"],
        untaxed_total=_num(row["untaxed_total"]),
        tax_total=_num(row["tax_total"]),
        total=_num(row["total"]),
        lines=[
            BillLineOut(
                id=line["id"],
                order_line_id=line["order_line_id"],
                product_id=line["product_id"],
                description=line["description"],
                quantity=dec(line["quantity"]),
                received=dec(line["received"]),
                quantity_difference=dec(line["quantity_difference"]),
                unit_price=dec(line["unit_price"]),
                ordered_price=dec(line["ordered_price"]),
                price_difference=dec(line["price_difference"]),
                matched=line["quantity_difference"] <= 0 and line["price_difference"] == 0,
            )
            for line in lines
        ],
        receipt_ids=[receipt["id"] for receipt in receipts],
        created_at=row["created_at"],
    )


def _check(data: BillCreate, lines: dict[UUID, OrderLineOut]) -> None:
    errors = FieldErrors()
    for index, item in enumerate(data.lines):
        key = f"lines[{index}]"
        if item.order_line_id not in lines:
            errors.add(f"{key}.order_line_id", "not a line of this order")
        if not (item.quantity.is_finite() and 0 < item.quantity < MAX_AMOUNT):
            errors.add(f"{key}.quantity", "must be more than zero")
        if not (item.unit_price.is_finite() and 0 <= item.unit_price < MAX_AMOUNT):
            errors.add(f"{key}.unit_price", "must not be negative")
        elif item.quantity.is_finite() and item.quantity * item.unit_price >= MAX_AMOUNT:
            errors.add(f"{key}.quantity", "quantity × unit price must stay below 1e13")
    errors.raise_if_any()


async def create_bill(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    order_id: UUID,
    data: BillCreate,
    *,
    tolerance: Decimal = Decimal(0),
) -> UUID:
    """Record a vendor bill against the order; post it in Finance when it matches.

    A price within ``tolerance`` of the ordered one matches (its difference is still booked
    on Purchase price differences).

    409 unless the order is confirmed (or further), or when the vendor reference was
    billed on the order already; 422 naming the line for an unknown line.
    """
    order = await read_order(conn, order_id, lock=True)
    if order.state not in BILLABLE:
        conflict(f"the order is {order.state}: only a confirmed order is billed")
    lines = {line.id: line for line in order.lines}
    _check(data, lines)
    if await conn.fetchval(
        "select true from purchase_bill where order_id = $1 and vendor_reference = $2",
        order_id,
        data.vendor_reference,
    ):
        conflict("the order has a bill with this vendor reference already")
    earlier = {
        row["order_line_id"]: Decimal(row["quantity"])
        for row in await conn.fetch(
            "select bl.order_line_id, sum(bl.quantity) as quantity from purchase_bill_line bl "
            "join purchase_bill b on b.id = bl.bill_id where b.order_id = $1 "
            "group by bl.order_line_id",
            order_id,
        )
    }
    bill_id = new_id()
    held: list[BillDifference] = []
    rows = []
    for item in data.lines:
        line = lines[item.order_line_id]
        received = Decimal(line.received) if line.tracked else Decimal(line.quantity)
        billed = earlier.get(line.id, Decimal(0)) + item.quantity
        earlier[line.id] = billed
        quantity_difference = billed - received
        price_difference = item.unit_price - Decimal(line.unit_price)
        rows.append((new_id(), item, received, quantity_difference, price_difference))
        if quantity_difference > 0 or abs(price_difference) > tolerance:
            held.append(
                BillDifference(
                    order_line_id=line.id,
                    quantity=dec(item.quantity),
                    received=dec(received),
                    quantity_difference=dec(quantity_difference),
                    unit_price=dec(item.unit_price),
                    ordered_price=line.unit_price,
                    price_difference=dec(price_difference),
                )
            )
    await conn.execute(
        "insert into purchase_bill (id, order_id, vendor_reference, date, state, matched) "
        "values ($1, $2, $3, $4, 'held', $5)",
        bill_id,
        order_id,
        data.vendor_reference,
        data.date,
        not held,
    )
    for line_id, item, received, quantity_difference, price_difference in rows:
        await conn.execute(
            "insert into purchase_bill_line (id, bill_id, order_line_id, quantity, unit_price, "
            "ordered_price, received, quantity_difference, price_difference) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            line_id,
            bill_id,
            item.order_line_id,
            item.quantity,
            item.unit_price,
            Decimal(lines[item.order_line_id].unit_price),
            received,
            quantity_difference,
            price_difference,
        )
    if held:
        await events.publish(
            conn,
            type=BILL_HELD.type,
            data=BillHeld(
                bill_id=bill_id,
                order_id=order_id,
                vendor_reference=data.vendor_reference,
                differences=held,
            ),
            subject=str(bill_id),
        )
    else:
        await _post(conn, events, services, bill_id, due_date=data.due_date)
    return bill_id


async def approve(
    conn: Connection, events: EventPublisher, services: Services, bill_id: UUID
) -> None:
    """Approve a held bill: it is posted in Finance as it was billed (409 unless held)."""
    state = await conn.fetchval("select state from purchase_bill where id = $1 for update", bill_id)
    if state is None:
        not_found()
    if state != "held":
        conflict(f"the bill is {state}: only a held bill is approved")
    await conn.execute("update purchase_bill set approved_at = now() where id = $1", bill_id)
    await _post(conn, events, services, bill_id, due_date=None)


def _finance_lines(
    bill: BillOut, order_lines: dict[UUID, OrderLineOut]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The Finance bill's lines, and the credit note's (a price billed below the order's)."""
    found: list[dict[str, Any]] = []
    credits: list[dict[str, Any]] = []
    for line in bill.lines:
        ordered = order_lines[line.order_line_id]
        quantity = Decimal(line.quantity)
        base: dict[str, Any] = {
            "description": line.description,
            "quantity": quantity,
            "tax_ids": ordered.tax_ids,
        }
        if ordered.product_id is not None:
            base["product_id"] = ordered.product_id
        if ordered.sku is not None:
            base["sku"] = ordered.sku
        if not ordered.tracked:
            found.append({**base, "unit_price": Decimal(line.unit_price)})
            continue
        found.append(
            {**base, "unit_price": Decimal(line.ordered_price), "account_subtype": "stock_received"}
        )
        difference = Decimal(line.price_difference)
        if difference != 0:
            (found if difference > 0 else credits).append(
                {
                    **base,
                    "description": f"Price difference: {line.description}"[:500],
                    "unit_price": abs(difference),
                    "account_subtype": "price_difference",
                }
            )
    return found, credits


async def _post(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    bill_id: UUID,
    *,
    due_date: dt.date | None,
) -> None:
    """Draft and post the bill in Finance (once per bill: ``source_ref``), mark it posted."""
    bill = await read_bill(conn, bill_id)
    order = await read_order(conn, bill.order_id)
    order_lines = {line.id: line for line in order.lines}
    lines, credits = _finance_lines(bill, order_lines)
    if not lines:
        invalid("lines", "nothing to bill")
    request: dict[str, Any] = {
        "kind": "bill",
        "direction": "purchase",
        "source_ref": f"purchase.bill:{bill_id}",
        "partner_id": order.vendor_id,
        "currency": order.currency,
        "date": bill.date,
        "reference": f"{bill.vendor_reference} ({order.number})",
        "lines": lines,
        "post": True,
    }
    if due_date is not None:
        request["due_date"] = due_date
    document: Document = await services.call(conn, DOCUMENTS_DRAFT, request, result=Document)
    untaxed, tax, total = document.untaxed_total, document.tax_total, document.total
    credit_id = None
    if credits:
        # Billed below the order's price: the bill clears Stock received not billed at the
        # order's, and a credit note from the vendor credits Purchase price differences.
        credit: Document = await services.call(
            conn,
            DOCUMENTS_DRAFT,
            {
                **request,
                "kind": "credit_note",
                "source_ref": f"purchase.bill:{bill_id}:price-difference",
                "reversal_of": document.id,
                "lines": credits,
            },
            result=Document,
        )
        credit_id = credit.id
        untaxed -= credit.untaxed_total
        tax -= credit.tax_total
        total -= credit.total
    await conn.execute(
        "update purchase_bill set state = 'posted', document_id = $2, document_number = $3, "
        "untaxed_total = $4, tax_total = $5, total = $6, credit_document_id = $7 where id = $1",
        bill_id,
        document.id,
        document.number,
        untaxed,
        tax,
        total,
        credit_id,
    )
    for line in bill.lines:
        await conn.execute(
            "update purchase_order_line set billed = billed + $2 where id = $1",
            line.order_line_id,
            Decimal(line.quantity),
        )
    await conn.execute(
        "update purchase_order set state = 'billed' where id = $1 and (state = 'received' "
        "or (state = 'confirmed' and not exists (select 1 from purchase_order_line "
        "where order_id = $1 and tracked))) and not exists (select 1 "
        "from purchase_order_line where order_id = $1 "
        "and billed < quantity)",
        bill.order_id,
    )
    await events.publish(
        conn,
        type=BILL_MATCHED.type,
        data=BillMatched(
            bill_id=bill_id,
            order_id=bill.order_id,
            vendor_reference=bill.vendor_reference,
            approved=not bill.matched,
            document_id=document.id,
            document_number=document.number,
            total=dec(total),
            currency=document.currency,
            credit_document_id=credit_id,
        ),
        subject=str(bill_id),
    )
