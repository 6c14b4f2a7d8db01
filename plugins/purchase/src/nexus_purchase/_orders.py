"""Requests for quotation and purchase orders: one document, its states and its reads.

States: ``draft`` (an RFQ) → ``sent`` → ``confirmed`` (a purchase order) →
``partially_received`` → ``received`` → ``billed``; ``cancelled`` from draft, sent or
confirmed while nothing was received or billed. No Litestar here: problems come from the kit.
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
from nexus_purchase._calls import products
from nexus_purchase._events import (
    ORDER_CANCELLED,
    ORDER_CONFIRMED,
    ORDER_SENT,
    OrderChanged,
)
from nexus_purchase._vendors import VendorCreate, create_vendor

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_purchase._settings import PurchaseSettings

__all__ = (
    "OPEN_FOR_RECEIPT",
    "LineIn",
    "OrderCreate",
    "OrderLineOut",
    "OrderOut",
    "cancel",
    "confirm",
    "create_order",
    "insert_order",
    "next_number",
    "read_order",
    "send",
)

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", examples=["NGN"])]
Text = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
Notes = Annotated[str, msgspec.Meta(max_length=2000)]
TaxIds = Annotated[list[UUID], msgspec.Meta(max_length=1)]

OPEN_FOR_RECEIPT = ("confirmed", "partially_received")
"""States an order receives goods in."""


class LineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A line to order: an Inventory product, or a service described in words.

    ``unit_price`` defaults to the vendor's price for the product; ``tax_ids`` ``null``
    lets Finance apply the product's or the company's default purchase tax, ``[]`` none.
    """

    quantity: Quantity
    product_id: UUID | None = None
    description: Text | None = None
    unit_price: Money | None = None
    tax_ids: TaxIds | None = None
    expected_date: dt.date | None = None


class OrderCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A request for quotation to a vendor (created ``draft``).

    Name the vendor by ``vendor_id``, or by ``vendor_name`` (found or created as a Finance
    supplier, as ``POST /vendors`` does).
    """

    lines: Annotated[list[LineIn], msgspec.Meta(min_length=1, max_length=200)]
    vendor_id: UUID | None = None
    vendor_name: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    currency: Currency | None = None
    order_date: dt.date | None = None
    notes: Notes | None = None


class OrderLineOut(msgspec.Struct, kw_only=True):
    """An order line with what was received and billed of it (decimal strings)."""

    id: UUID
    position: int
    product_id: UUID | None
    sku: str | None
    tracked: bool
    description: str
    quantity: str
    unit_price: str
    subtotal: str
    tax_ids: list[UUID] | None
    expected_date: dt.date | None
    received: str
    to_receive: str
    billed: str


class ReceiptRef(msgspec.Struct, kw_only=True):
    """A receipt of the order."""

    id: UUID
    number: str
    date: dt.date


class BillRef(msgspec.Struct, kw_only=True):
    """A vendor bill of the order, and the Finance bill posted for it."""

    id: UUID
    vendor_reference: str
    state: str
    matched: bool
    document_id: UUID | None
    document_number: str | None


class OrderOut(msgspec.Struct, kw_only=True):
    """A request for quotation or purchase order, linked to its receipts and bills."""

    id: UUID
    number: str
    state: str
    vendor_id: UUID
    vendor_name: str
    currency: str
    order_date: dt.date
    notes: str | None
    origin: str | None
    untaxed_total: str
    lines: list[OrderLineOut]
    receipts: list[ReceiptRef]
    bills: list[BillRef]
    sent_at: dt.datetime | None
    confirmed_at: dt.datetime | None
    cancelled_at: dt.datetime | None
    created_at: dt.datetime


def _line(row: Any) -> OrderLineOut:
    quantity, received = Decimal(row["quantity"]), Decimal(row["received"])
    tracked = bool(row["tracked"])
    return OrderLineOut(
        id=row["id"],
        position=row["position"],
        product_id=row["product_id"],
        sku=row["sku"],
        tracked=tracked,
        description=row["description"],
        quantity=dec(quantity),
        unit_price=dec(row["unit_price"]),
        subtotal=dec(quantity * Decimal(row["unit_price"])),
        tax_ids=list(row["tax_ids"]) if row["tax_ids"] is not None else None,
        expected_date=row["expected_date"],
        received=dec(received),
        to_receive=dec(max(quantity - received, Decimal(0)) if tracked else Decimal(0)),
        billed=dec(row["billed"]),
    )


async def read_order(conn: Connection, order_id: UUID, *, lock: bool = False) -> OrderOut:
    """The order with its lines, receipts and bills (404 when not the tenant's)."""
    row = await conn.fetchrow(
        "select o.*, v.name as vendor_name from purchase_order o "
        "join purchase_vendor v on v.id = o.vendor_id where o.id = $1"
        + (" for update of o" if lock else ""),
        order_id,
    )
    if row is None:
        not_found()
    lines = [
        _line(line)
        for line in await conn.fetch(
            "select * from purchase_order_line where order_id = $1 order by position", order_id
        )
    ]
    receipts = await conn.fetch(
        "select id, number, date from purchase_receipt where order_id = $1 "
        "order by created_at, number",
        order_id,
    )
    bills = await conn.fetch(
        "select id, vendor_reference, state, matched, document_id, document_number "
        "from purchase_bill where order_id = $1 order by created_at, id",
        order_id,
    )
    total = sum((Decimal(line.subtotal) for line in lines), Decimal(0))
    return OrderOut(
        id=row["id"],
        number=row["number"],
        state=row["state"],
        vendor_id=row["vendor_id"],
        vendor_name=row["vendor_name"],
        currency=row["currency"].strip(),
        order_date=row["order_date"],
        notes=row["notes"],
        origin=row["origin"],
        untaxed_total=dec(total),
        lines=lines,
        receipts=[ReceiptRef(**dict(item)) for item in receipts],
        bills=[BillRef(**dict(item)) for item in bills],
        sent_at=row["sent_at"],
        confirmed_at=row["confirmed_at"],
        cancelled_at=row["cancelled_at"],
        created_at=row["created_at"],
    )


async def next_number(conn: Connection, prefix: str) -> str:
    """The tenant's next order number (serialised by a transaction lock)."""
    await conn.execute(
        "select pg_advisory_xact_lock(hashtext('purchase.order:' || "
        "current_setting('nexus.tenant_id', true)))"
    )
    count = await conn.fetchval("select count(*) from purchase_order")
    return f"{prefix}{int(count) + 1:05d}"


def _amount(errors: FieldErrors, key: str, value: Decimal, *, zero: bool) -> None:
    ok = value.is_finite() and (value >= 0 if zero else value > 0) and value < MAX_AMOUNT
    if not ok:
        errors.add(key, "must be more than zero" if not zero else "must not be negative")


async def insert_order(
    conn: Connection,
    *,
    vendor_id: UUID,
    currency: str,
    prefix: str,
    order_date: dt.date | None = None,
    notes: str | None = None,
    origin: str | None = None,
) -> tuple[UUID, str]:
    """Insert a draft order; its id and number."""
    order_id = new_id()
    number = await next_number(conn, prefix)
    await conn.execute(
        "insert into purchase_order (id, number, vendor_id, currency, order_date, notes, "
        "origin) values ($1, $2, $3, $4, coalesce($5, current_date), $6, $7)",
        order_id,
        number,
        vendor_id,
        currency,
        order_date,
        notes,
        origin,
    )
    return order_id, number


async def insert_line(
    conn: Connection,
    order_id: UUID,
    *,
    product_id: UUID | None,
    sku: str | None,
    tracked: bool,
    description: str,
    quantity: Decimal,
    unit_price: Decimal,
    tax_ids: list[UUID] | None,
    expected_date: dt.date | None,
) -> UUID:
    """Append a line to an order."""
    line_id = new_id()
    await conn.execute(
        "insert into purchase_order_line (id, order_id, position, product_id, sku, tracked, "
        "description, quantity, unit_price, tax_ids, expected_date) values ($1, $2, "
        "(select coalesce(max(position), 0) + 1 from purchase_order_line where order_id = $2), "
        "$3, $4, $5, $6, $7, $8, $9, $10)",
        line_id,
        order_id,
        product_id,
        sku,
        tracked,
        description,
        quantity,
        unit_price,
        tax_ids,
        expected_date,
    )
    return line_id


async def _vendor(
    conn: Connection, services: Services, data: OrderCreate, errors: FieldErrors
) -> UUID:
    """The order's vendor: ``vendor_id`` of the tenant's, or ``vendor_name`` ensured."""
    if data.vendor_id is None:
        if data.vendor_name is None:
            invalid("vendor_id", "name the vendor: vendor_id or vendor_name")
        return await create_vendor(conn, services, VendorCreate(name=data.vendor_name))
    if not await conn.fetchval("select true from purchase_vendor where id = $1", data.vendor_id):
        errors.add("vendor_id", "no such vendor: create it with POST /vendors")
    return data.vendor_id


async def create_order(
    conn: Connection, services: Services, data: OrderCreate, settings: PurchaseSettings
) -> UUID:
    """Create a draft request for quotation; products are read from Inventory.

    422 naming the field for an unknown vendor or product, a line with neither product nor
    description, or no price; 409 (Inventory off) when a line names a product.
    """
    errors = FieldErrors()
    vendor_id = await _vendor(conn, services, data, errors)
    for index, line in enumerate(data.lines):
        _amount(errors, f"lines[{index}].quantity", line.quantity, zero=False)
        if line.unit_price is not None:
            _amount(errors, f"lines[{index}].unit_price", line.unit_price, zero=True)
        if line.product_id is None and line.description is None:
            errors.add(f"lines[{index}].description", "a line without a product needs one")
    errors.raise_if_any()
    wanted = [line.product_id for line in data.lines if line.product_id is not None]
    known = await products(services, conn, wanted)
    prices = {
        row["product_id"]: (Decimal(row["price"]), row["lead_time_days"])
        for row in await conn.fetch(
            "select product_id, price, lead_time_days from purchase_vendor_product "
            "where vendor_id = $1 and product_id = any($2::uuid[])",
            vendor_id,
            wanted,
        )
    }
    for index, line in enumerate(data.lines):
        if line.product_id is not None and line.product_id not in known:
            errors.add(f"lines[{index}].product_id", "no such product")
        elif line.unit_price is None and line.product_id not in prices:
            errors.add(f"lines[{index}].unit_price", "required: the vendor has no price for it")
        else:
            asked = line.unit_price if line.unit_price is not None else prices[line.product_id][0]
            if line.quantity * asked >= MAX_AMOUNT:
                errors.add(f"lines[{index}].quantity", "quantity × unit price must stay below 1e13")
    errors.raise_if_any()
    order_id, _ = await insert_order(
        conn,
        vendor_id=vendor_id,
        currency=data.currency or settings.currency,
        prefix=settings.order_prefix,
        order_date=data.order_date,
        notes=data.notes,
    )
    for line in data.lines:
        product = known.get(line.product_id) if line.product_id is not None else None
        price, lead = prices.get(line.product_id, (Decimal(0), 0)) if product else (Decimal(0), 0)
        expected = line.expected_date
        if expected is None and product is not None and lead:
            try:
                expected = (data.order_date or dt.date.today()) + dt.timedelta(days=lead)
            except OverflowError:
                expected = None
        unit_price = line.unit_price if line.unit_price is not None else price
        await insert_line(
            conn,
            order_id,
            product_id=line.product_id,
            sku=product.sku if product else None,
            tracked=bool(product and product.tracked),
            description=line.description or (product.name if product else "-"),
            quantity=line.quantity,
            unit_price=unit_price or Decimal(0),
            tax_ids=line.tax_ids,
            expected_date=expected,
        )
    return order_id


async def _move(
    conn: Connection,
    events: EventPublisher,
    order_id: UUID,
    *,
    allowed: tuple[str, ...],
    state: str,
    stamp: str,
    event: str,
) -> OrderOut:
    order = await read_order(conn, order_id, lock=True)
    if order.state not in allowed:
        conflict(f"the order is {order.state}: only {', '.join(allowed)} can become {state}")
    await conn.execute(
        f"update purchase_order set state = $2, {stamp} = now() where id = $1",  # noqa: S608
        order_id,
        state,
    )
    await events.publish(
        conn,
        type=event,
        data=OrderChanged(
            order_id=order_id,
            number=order.number,
            vendor_id=order.vendor_id,
            state=state,
            currency=order.currency,
            untaxed_total=order.untaxed_total,
        ),
        subject=str(order_id),
    )
    return await read_order(conn, order_id)


async def send(conn: Connection, events: EventPublisher, order_id: UUID) -> OrderOut:
    """Mark a draft RFQ sent to its vendor (409 unless draft)."""
    return await _move(
        conn,
        events,
        order_id,
        allowed=("draft",),
        state="sent",
        stamp="sent_at",
        event=ORDER_SENT.type,
    )


async def confirm(conn: Connection, events: EventPublisher, order_id: UUID) -> OrderOut:
    """Confirm an RFQ (draft or sent) as a purchase order (409 otherwise)."""
    return await _move(
        conn,
        events,
        order_id,
        allowed=("draft", "sent"),
        state="confirmed",
        stamp="confirmed_at",
        event=ORDER_CONFIRMED.type,
    )


async def cancel(conn: Connection, events: EventPublisher, order_id: UUID) -> OrderOut:
    """Cancel an RFQ or an order nothing was received or billed of (409 otherwise)."""
    busy = await conn.fetchval(
        "select exists (select 1 from purchase_order_line where order_id = $1 "
        "and (received > 0 or billed > 0)) or exists (select 1 from purchase_bill "
        "where order_id = $1)",
        order_id,
    )
    if busy:
        await read_order(conn, order_id)  # 404 first when not the tenant's
        conflict("goods were received or billed against the order: it cannot be cancelled")
    return await _move(
        conn,
        events,
        order_id,
        allowed=("draft", "sent", "confirmed"),
        state="cancelled",
        stamp="cancelled_at",
        event=ORDER_CANCELLED.type,
    )
