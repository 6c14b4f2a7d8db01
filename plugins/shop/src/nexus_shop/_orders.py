"""Orders: placed from a cart, and paid (online or recorded by staff); ``_cancel`` cancels.

Placing an order is one transaction: the cart is locked, its lines reserved in Inventory
(``inventory.reserve``, which locks each product row, so concurrent checkouts of the last
units queue and never hold more than is available), the invoice drafted and posted in
Finance and, for online payment, a Payments checkout opened. Any line short answers 409
naming it and rolls everything back: no reservation, no invoice, no order.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
import structlog
from litestar.exceptions import HTTPException
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_shop import _peers
from nexus_shop._carts import quote
from nexus_shop._events import (
    ORDER_PAID,
    ORDER_PLACED,
    OrderPaid,
    OrderPlaced,
)
from nexus_shop._notices import notify_customer

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_shop._settings import ShopSettings

__all__ = (
    "ORDER_COLUMNS",
    "Customer",
    "OrderLineOut",
    "OrderOut",
    "PaymentMethod",
    "order_out",
    "origin",
    "pay_order",
    "place_order",
)

log = structlog.get_logger("nexus_shop")

PaymentMethod = Literal["online", "bank_transfer", "cash_on_delivery"]
ORDER_COLUMNS = (
    "id, number, status, customer_email, customer_name, customer_phone, customer, address, "
    "city, "
    "postal_code, country, currency, subtotal, discount_total, shipping_total, tax_total, "
    "total, payment_method, invoice_id, invoice_number, credit_note_id, checkout_id, "
    "payment_url, payment_id, payment_error, expires_at, paid_at, cancelled_at, "
    "cancel_reason, created_at"
)


def origin(order_id: UUID) -> str:
    """The reference of an order's reservations, deliveries and invoice in other plugins."""
    return f"shop.order:{order_id}"


class Customer(msgspec.Struct, kw_only=True):
    """Who orders and where the goods go."""

    email: str
    name: str
    phone: str | None
    address: str
    city: str
    postal_code: str | None
    country: str


class OrderLineOut(msgspec.Struct, kw_only=True):
    """A line of an order, at the price it was placed at."""

    product_id: UUID
    sku: str
    description: str
    quantity: Decimal
    unit_price: Decimal


class OrderOut(msgspec.Struct, kw_only=True):
    """An order: totals (as invoiced), payment, status and lines.

    ``customer`` is the signed-in principal who ordered (``/my``), ``None`` for a guest.
    ``status``: ``pending_payment`` (stock reserved until ``expires_at``), ``paid`` (paid,
    not delivered: stock was short when the payment came), ``fulfilled`` (paid and
    delivered) or ``cancelled`` (reservation released, invoice credited).
    """

    id: UUID
    number: str
    status: str
    customer_email: str
    customer_name: str
    customer_phone: str | None
    customer: str | None
    address: str
    city: str
    postal_code: str | None
    country: str
    currency: str
    subtotal: Decimal
    discount_total: Decimal
    shipping_total: Decimal
    tax_total: Decimal
    total: Decimal
    payment_method: str
    invoice_id: UUID | None
    invoice_number: str | None
    credit_note_id: UUID | None
    checkout_id: UUID | None
    payment_url: str | None
    payment_id: UUID | None
    payment_error: str | None
    expires_at: datetime
    paid_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason: str | None
    created_at: datetime
    lines: list[OrderLineOut]
    payment_instructions: str | None = None


async def _lines(conn: Connection, order_id: UUID) -> list[Any]:
    return list(
        await conn.fetch(
            "select product_id, sku, description, quantity, unit_price from shop_order_line "
            "where order_id = $1 order by position",
            order_id,
        )
    )


async def order_out(
    conn: Connection, order_id: UUID, settings: ShopSettings | None = None
) -> OrderOut:
    """An order with its lines (404 when it is not the tenant's)."""
    row = await conn.fetchrow(f"select {ORDER_COLUMNS} from shop_order where id = $1", order_id)
    if row is None:
        not_found()
    lines = [msgspec.convert(dict(line), OrderLineOut) for line in await _lines(conn, order_id)]
    found = msgspec.convert({**dict(row), "lines": lines}, OrderOut, from_attributes=True)
    if settings is not None and row["payment_method"] == "bank_transfer":
        found.payment_instructions = (
            f"{settings.bank_transfer_instructions} Reference: {row['number']}."
        )
    return found


async def _next_number(conn: Connection) -> str:
    number = await conn.fetchval(
        "update shop_state set next_number = next_number + 1 returning next_number - 1"
    )
    if number is None:  # enabled before the state row existed
        await conn.execute("insert into shop_state (id, next_number) values ($1, 2)", new_id())
        number = 1
    return f"WEB-{number:06d}"


def _check_method(method: PaymentMethod, settings: ShopSettings, online: bool) -> None:
    if method == "online":
        if not online:
            conflict("online payment needs the Payments plugin", blocking=["payments"])
    elif method not in settings.offline_methods:
        offered = ", ".join(settings.offline_methods + (["online"] if online else []))
        invalid("payment_method", f"the shop takes: {offered or 'no payment method'}")


async def place_order(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: ShopSettings,
    *,
    cart: Any,
    customer: Customer,
    method: PaymentMethod,
) -> UUID:
    """Place the order of a locked, open cart; its id. See the module's docstring."""
    online = await services.available(conn, "payments.checkouts.create")
    _check_method(method, settings, online)
    invoice_lines: list[dict[str, Any]] = []
    priced = await quote(
        conn, services, cart, country=customer.country, finance_lines=invoice_lines
    )
    if not priced.lines:
        conflict("the cart is empty")
    unsellable = [line for line in priced.lines if line.problem]
    if unsellable:
        conflict(
            "some products cannot be ordered: "
            + ", ".join(f"{line.sku or line.product_id} ({line.problem})" for line in unsellable),
            unsellable=[str(line.product_id) for line in unsellable],
        )
    order_id = new_id()
    ref = origin(order_id)
    wanted = [
        (str(index), line.product_id, line.quantity)
        for index, line in enumerate(priced.lines, start=1)
    ]
    held = await _peers.reserve(conn, services, origin=ref, lines=wanted)
    short = [line for line in held if line.short > 0]
    if short:
        by_product = {line.product_id: line for line in priced.lines}
        conflict(
            "not enough stock: "
            + ", ".join(
                f"{by_product[line.product_id].sku} ({_peers.text(line.reserved)} available)"
                for line in short
            ),
            short=[
                {
                    "product_id": str(line.product_id),
                    "sku": by_product[line.product_id].sku,
                    "requested": _peers.text(line.reserved + line.short),
                    "available": _peers.text(line.reserved),
                }
                for line in short
            ],
        )
    number = await _next_number(conn)
    partner_id = await _peers.ensure_partner(
        conn, services, name=customer.name, email=customer.email, country=customer.country
    )
    today = await conn.fetchval("select current_date")
    invoice = await _peers.draft_invoice(
        conn,
        services,
        partner_id=partner_id,
        currency=cart["currency"],
        day=today,
        reference=number,
        source_ref=ref,
        lines=invoice_lines,
    )
    now = await conn.fetchval("select now()")
    await conn.execute(
        "insert into shop_order (id, number, cart_id, status, customer_email, customer_name, "
        "customer_phone, customer, address, city, postal_code, country, currency, "
        "subtotal, discount_total, shipping_total, tax_total, total, discount_id, "
        "shipping_method_id, payment_method, invoice_id, invoice_number, expires_at) "
        "values ($1, $2, $3, 'pending_payment', $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, "
        "$14, $15, $16, $17, $18, $19, $20, $21, $22, $23)",
        order_id,
        number,
        cart["id"],
        customer.email,
        customer.name,
        customer.phone,
        cart["customer"],
        customer.address,
        customer.city,
        customer.postal_code,
        customer.country,
        cart["currency"],
        priced.subtotal,
        priced.discount_total,
        priced.shipping_total,
        invoice.tax_total,
        invoice.total,
        cart["discount_id"] if priced.discount_code else None,
        priced.shipping_method_id,
        method,
        invoice.id,
        invoice.number,
        now + timedelta(minutes=settings.payment_minutes),
    )
    for position, line in enumerate(priced.lines, start=1):
        await conn.execute(
            "insert into shop_order_line (id, order_id, position, product_id, sku, description, "
            "quantity, unit_price) values ($1, $2, $3, $4, $5, $6, $7, $8)",
            new_id(),
            order_id,
            position,
            line.product_id,
            line.sku,
            line.title,
            line.quantity,
            line.unit_price,
        )
    if priced.discount_code is not None:
        used = await conn.fetchval(
            "update shop_discount set used = used + 1 where id = $1 "
            "and (max_uses is null or used < max_uses) returning used",
            cart["discount_id"],
        )
        if used is None:
            conflict(f"the code {priced.discount_code} was used up meanwhile")
    await conn.execute(
        "update shop_cart set status = 'ordered', updated_at = now() where id = $1", cart["id"]
    )
    checkout = None
    if method == "online":
        checkout = await _peers.checkout(
            conn,
            services,
            {
                "source": "shop",
                "source_ref": str(order_id),
                "amount": _peers.text(invoice.total),
                "currency": cart["currency"],
                "description": f"Order {number}",
                "customer": {
                    "email": customer.email,
                    "name": customer.name,
                    "phone": customer.phone,
                },
                "invoice_id": str(invoice.id),
                "return_url": None
                if settings.return_url is None
                else settings.return_url.replace("{order}", number),
                "metadata": {"order_number": number},
            },
        )
        await conn.execute(
            "update shop_order set checkout_id = $2, payment_url = $3 where id = $1",
            order_id,
            checkout.checkout_id,
            checkout.url,
        )
    placed = OrderPlaced(
        order_id=order_id,
        number=number,
        customer_email=customer.email,
        currency=cart["currency"],
        total=invoice.total,
        payment_method=method,
        invoice_id=invoice.id,
        checkout_id=None if checkout is None else checkout.checkout_id,
        lines=len(priced.lines),
    )
    await events.publish(conn, type=ORDER_PLACED, data=placed, subject=str(order_id))
    row = await conn.fetchrow("select * from shop_order where id = $1", order_id)
    how = {
        "online": f"Pay online: {checkout.url}" if checkout else "",
        "bank_transfer": f"{settings.bank_transfer_instructions} Reference: {number}.",
        "cash_on_delivery": "You pay in cash when the goods arrive.",
    }[method]
    await notify_customer(
        conn,
        services,
        settings,
        order=row,
        what="placed",
        subject=f"Your order {number}",
        text=f"Thank you for your order {number}: {invoice.total} {cart['currency']}. {how}",
    )
    return order_id


async def pay_order(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    settings: ShopSettings,
    *,
    order_id: UUID,
    amount: Decimal | None,
    currency: str | None,
    payment_id: UUID | None,
    method: str,
) -> bool:
    """Mark an unpaid order paid and deliver its goods; whether it changed anything.

    The reservation is consumed by ``inventory.deliver``. A payment for a cancelled order,
    or one that does not cover the total, is recorded as ``payment_error`` for the staff (a
    refund is theirs to make) and changes nothing else. Delivery that Inventory refuses (the
    stock went meanwhile) leaves the order ``paid``, not ``fulfilled``.
    """
    order = await conn.fetchrow("select * from shop_order where id = $1 for update", order_id)
    if order is None:
        return False
    if payment_id is not None and order["payment_id"] == payment_id:
        return False  # this payment was handled already
    if order["status"] != "pending_payment":
        await conn.execute(
            "update shop_order set payment_error = $2 where id = $1",
            order_id,
            f"payment {payment_id or ''} received while {order['status']}: refund it".strip(),
        )
        return False
    if amount is not None and (currency != order["currency"] or amount < order["total"]):
        await conn.execute(
            "update shop_order set payment_error = $2, payment_id = $3 where id = $1",
            order_id,
            f"paid {amount} {currency}, the order is {order['total']} {order['currency']}",
            payment_id,
        )
        return False
    lines = await _lines(conn, order_id)
    ref = origin(order_id)
    fulfilled = True
    try:
        await _peers.deliver(
            conn,
            services,
            origin=ref,
            reference=order["number"],
            lines=[
                (str(i), line["product_id"], Decimal(line["quantity"]))
                for i, line in enumerate(lines, start=1)
            ],
        )
    except HTTPException as refused:
        if refused.status_code != 409:
            raise
        fulfilled = False
        log.warning("paid order not delivered", order=order["number"], detail=refused.detail)
    status = "fulfilled" if fulfilled else "paid"
    await conn.execute(
        "update shop_order set status = $2, paid_at = now(), payment_id = $3, "
        "payment_error = null where id = $1",
        order_id,
        status,
        payment_id,
    )
    paid = OrderPaid(
        order_id=order_id,
        number=order["number"],
        amount=order["total"] if amount is None else amount,
        currency=order["currency"],
        payment_id=payment_id,
        method=method,
        fulfilled=fulfilled,
    )
    await events.publish(conn, type=ORDER_PAID, data=paid, subject=str(order_id))
    row = await conn.fetchrow("select * from shop_order where id = $1", order_id)
    await notify_customer(
        conn,
        services,
        settings,
        order=row,
        what="paid",
        subject=f"Order {order['number']} is paid",
        text=f"We received your payment for order {order['number']}"
        + (": your goods are on their way." if fulfilled else "."),
    )
    return True
