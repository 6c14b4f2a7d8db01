"""Sales orders: created, confirmed (stock reserved) or cancelled (reservations released).

An order comes from an accepted quotation, a won deal or the API; confirming reserves its
products' stock through ``inventory.reserve``, cancelling releases it.

States: ``draft`` → ``confirmed`` → (``partially_``)``delivered`` →
(``partially_``)``invoiced`` → ``done``, or ``cancelled`` before anything was delivered or
invoiced. After a delivery, an invoice or a return the state is recomputed from the lines
(:func:`refresh_state`).
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, not_found

from nexus_sales._documents import (
    check_lines,
    copy_lines,
    next_number,
    resolve_partner,
    write_lines,
)
from nexus_sales._events import ORDER_CANCELLED, ORDER_CONFIRMED, OrderChanged
from nexus_sales._peers import release, reserve
from nexus_sales._quotations import effective_state, load_quotation

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_sales._fields import LineIn

__all__ = (
    "cancel",
    "confirm",
    "create_order",
    "load_order",
    "order_from_quotation",
    "origin_of",
    "refresh_state",
)

_ZERO = Decimal(0)
_OPEN = ("confirmed", "partially_delivered", "delivered", "partially_invoiced", "invoiced")


def origin_of(order_id: UUID) -> str:
    """The origin Inventory keeps the order's reservations and deliveries under."""
    return f"sales.order:{order_id}"


async def load_order(conn: Connection, order_id: UUID, *, lock: bool = False) -> Any:
    """The order row, 404 when missing (another tenant's included)."""
    row = await conn.fetchrow(
        "select * from sales_order where id = $1" + (" for update" if lock else ""), order_id
    )
    if row is None:
        not_found()
    return row


async def _insert(
    conn: Connection,
    *,
    party: Any,
    quotation_id: UUID | None,
    deal_id: UUID | None,
    payment_terms: str,
) -> UUID:
    order_id = new_id()
    await conn.execute(
        "insert into sales_order (id, number, partner_id, partner_ref, partner_name, currency, "
        "quotation_id, deal_id, payment_terms) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        order_id,
        await next_number(conn, "order", "SO-"),
        party["partner_id"],
        party["partner_ref"],
        party["partner_name"],
        party["currency"],
        quotation_id,
        deal_id,
        payment_terms,
    )
    return order_id


async def create_order(
    conn: Connection,
    services: Services | None,
    *,
    partner_id: UUID | None,
    partner_ref: UUID | None,
    partner_name: str | None,
    currency: str,
    payment_terms: str,
    lines: Sequence[LineIn],
    deal_id: UUID | None = None,
) -> UUID:
    """Draft an order directly (the API, a won deal)."""
    errors = FieldErrors()
    check_lines(errors, lines, currency)
    errors.raise_if_any()
    if services is not None:
        partner_id, partner_ref, name = await resolve_partner(
            conn,
            services,
            partner_id=partner_id,
            partner_ref=partner_ref,
            partner_name=partner_name,
        )
    else:
        name = partner_name or "Customer"
    party = {
        "partner_id": partner_id,
        "partner_ref": partner_ref,
        "partner_name": name,
        "currency": currency,
    }
    order_id = await _insert(
        conn, party=party, quotation_id=None, deal_id=deal_id, payment_terms=payment_terms
    )
    await write_lines(
        conn,
        services,
        table="sales_order_line",
        parent="order_id",
        parent_id=order_id,
        lines=lines,
        currency=currency,
        party=party,
    )
    return order_id


async def order_from_quotation(
    conn: Connection, quotation_id: UUID, services: Services | None = None
) -> UUID:
    """A draft order with an accepted quotation's lines and taxes, priced as invoiced.

    The lines are priced again through Finance (``finance.documents.preview``): the order
    shows what its invoice will bill. 409 when the quotation is not accepted, or already
    has its order.
    """
    quotation = await load_quotation(conn, quotation_id, lock=True)
    state = effective_state(quotation)
    if state != "accepted":
        conflict(f"only an accepted quotation becomes an order, not a {state} one", state=state)
    existing = await conn.fetchval(
        "select id from sales_order where quotation_id = $1", quotation_id
    )
    if existing is not None:
        conflict("the quotation has its order already", order_id=str(existing))
    order_id = await _insert(
        conn,
        party=quotation,
        quotation_id=quotation_id,
        deal_id=await _deal_of(conn, quotation),
        payment_terms=quotation["payment_terms"],
    )
    await write_lines(
        conn,
        services,
        table="sales_order_line",
        parent="order_id",
        parent_id=order_id,
        lines=await copy_lines(
            conn, table="sales_quotation_line", parent="quotation_id", parent_id=quotation_id
        ),
        currency=quotation["currency"],
        party=quotation,
    )
    return order_id


async def _deal_of(conn: Connection, quotation: Any) -> UUID | None:
    """The won deal behind a quotation: its first version's."""
    found: UUID | None = await conn.fetchval(
        "select deal_id from sales_quotation where number = $1 and version = 1",
        quotation["number"],
    )
    return found


async def _publish(conn: Connection, events: EventPublisher, row: Any, event: str) -> None:
    await events.publish(
        conn,
        type=event,
        subject=str(row["id"]),
        data=OrderChanged(
            id=row["id"],
            number=row["number"],
            state=row["state"],
            partner_name=row["partner_name"],
            currency=row["currency"].strip(),
            quotation_id=row["quotation_id"],
            deal_id=row["deal_id"],
        ),
    )


async def confirm(
    conn: Connection, services: Services, events: EventPublisher, order_id: UUID
) -> Any:
    """Confirm a draft order and reserve its products' stock (when Inventory is on).

    Reserving holds stock for the order (available = on hand − reserved); what is short is
    recorded per line, not refused: the delivery applies the over-selling policy.
    """
    order = await load_order(conn, order_id, lock=True)
    if order["state"] != "draft":
        conflict(f"a {order['state']} order cannot be confirmed", state=order["state"])
    lines = await copy_lines(conn, table="sales_order_line", parent="order_id", parent_id=order_id)
    stocked = [
        (str(line["id"]), line["product_id"], line["quantity"])
        for line in lines
        if line["product_id"] is not None
    ]
    if stocked and await services.available(conn, "inventory.reserve"):
        held = await reserve(conn, services, origin=origin_of(order_id), lines=stocked)
        for line in held.lines:
            await conn.execute(
                "update sales_order_line set reserved = $2 where id = $1::text::uuid",
                line.origin_line,
                line.reserved,
            )
    row = await conn.fetchrow(
        "update sales_order set state = 'confirmed', confirmed_at = now() where id = $1 "
        "returning *",
        order_id,
    )
    await _publish(conn, events, row, ORDER_CONFIRMED.type)
    return row


async def cancel(
    conn: Connection, services: Services, events: EventPublisher, order_id: UUID
) -> Any:
    """Cancel an order with nothing delivered or invoiced; release its reservations."""
    order = await load_order(conn, order_id, lock=True)
    moved = await conn.fetchval(
        "select coalesce(sum(delivered + invoiced), 0) from sales_order_line where order_id = $1",
        order_id,
    )
    if order["state"] not in ("draft", "confirmed") or moved:
        conflict(
            f"a {order['state']} order cannot be cancelled: goods or invoices exist",
            state=order["state"],
        )
    if order["state"] == "confirmed":
        await release(conn, services, origin=origin_of(order_id))
        await conn.execute("update sales_order_line set reserved = 0 where order_id = $1", order_id)
    row = await conn.fetchrow(
        "update sales_order set state = 'cancelled' where id = $1 returning *", order_id
    )
    await _publish(conn, events, row, ORDER_CANCELLED.type)
    return row


async def refresh_state(conn: Connection, order_id: UUID) -> str:
    """Recompute an open order's state from its lines' delivered and invoiced quantities.

    Only product lines are delivered; free-text lines count as delivered. Invoicing
    outranks delivery in the state's name; ``done`` is everything delivered and invoiced.
    """
    order = await load_order(conn, order_id)
    if order["state"] not in _OPEN:
        return str(order["state"])
    lines = await copy_lines(conn, table="sales_order_line", parent="order_id", parent_id=order_id)
    stocked = [line for line in lines if line["product_id"] is not None]
    delivered_any = any(line["delivered"] > 0 for line in stocked)
    delivered_all = all(line["delivered"] >= line["quantity"] for line in stocked)
    invoiced_any = any(line["invoiced"] > 0 for line in lines)
    invoiced_all = all(line["invoiced"] >= line["quantity"] - line["returned"] for line in lines)
    if invoiced_all and delivered_all and (invoiced_any or delivered_any):
        state = "done"
    elif invoiced_any:
        state = "invoiced" if invoiced_all else "partially_invoiced"
    elif delivered_any:
        state = "delivered" if delivered_all else "partially_delivered"
    else:
        state = "confirmed"
    await conn.execute("update sales_order set state = $2 where id = $1", order_id, state)
    return state
