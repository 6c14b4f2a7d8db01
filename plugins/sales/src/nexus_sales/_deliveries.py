"""Deliveries and returns of a sales order's goods, through Inventory's services.

A delivery asks ``inventory.deliver`` for the order lines' quantities with the tenant's
over-selling policy: ``refuse`` answers Inventory's 409 (naming the product, on hand,
available and requested) and stores nothing; ``backorder`` delivers what stock covers and
leaves the rest to deliver (the order's backorders). Each delivery line keeps the quantity,
the unit cost and value it left stock with and Inventory's move; Finance books cost of sales
from Inventory's valuation event (Dr Cost of goods sold / Cr Inventory).

A return asks ``inventory.return`` to put goods of a delivery back at the cost they left
with (Finance: Dr Inventory / Cr Cost of goods sold) and, when ``credit`` is asked and the
goods were invoiced, ``finance.documents.credit`` drafts and posts a credit note linked to
the invoice and matched against it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, conflict, not_found

from nexus_sales._documents import copy_lines, next_number
from nexus_sales._events import DELIVERY_DONE, RETURN_DONE, DeliveryDone, ReturnDone
from nexus_sales._orders import load_order, origin_of, refresh_state
from nexus_sales._peers import Returned, credit, deliver, return_goods

if TYPE_CHECKING:
    from collections.abc import Sequence
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_sales._settings import SalesSettings

__all__ = ("deliver_order", "return_delivery")

_ZERO = Decimal(0)
_DELIVERABLE = ("confirmed", "partially_delivered", "partially_invoiced", "invoiced")


def _plan(
    lines: Sequence[Any], asked: Sequence[tuple[UUID, Decimal]] | None
) -> list[tuple[Any, Decimal]]:
    """Which order lines to deliver, how many of each (default: all that is left)."""
    stocked = {line["id"]: line for line in lines if line["product_id"] is not None}
    if asked is None:
        return [
            (line, line["quantity"] - line["delivered"])
            for line in stocked.values()
            if line["quantity"] > line["delivered"]
        ]
    errors = FieldErrors()
    plan: list[tuple[Any, Decimal]] = []
    seen: set[UUID] = set()
    for index, (line_id, quantity) in enumerate(asked):
        line = stocked.get(line_id)
        if line is None or line_id in seen:
            errors.add(f"lines[{index}].order_line_id", "not a product line of this order, once")
            continue
        seen.add(line_id)
        left = line["quantity"] - line["delivered"]
        if quantity <= 0 or quantity > left:
            errors.add(f"lines[{index}].quantity", f"between 0 (excluded) and {left} left")
            continue
        plan.append((line, quantity))
    if not asked:
        errors.add("lines", "at least one line, or leave lines out to deliver everything left")
    errors.raise_if_any()
    return plan


async def deliver_order(
    conn: Connection,
    services: Services,
    events: EventPublisher,
    settings: SalesSettings,
    *,
    order_id: UUID,
    asked: Sequence[tuple[UUID, Decimal]] | None,
) -> UUID:
    """Deliver an order's goods now (see the module); the delivery's id."""
    order = await load_order(conn, order_id, lock=True)
    if order["state"] not in _DELIVERABLE:
        conflict(f"a {order['state']} order cannot be delivered", state=order["state"])
    lines = await copy_lines(conn, table="sales_order_line", parent="order_id", parent_id=order_id)
    plan = _plan(lines, asked)
    if not plan:
        conflict("nothing is left to deliver on this order")
    delivery_id = new_id()
    number = await next_number(conn, "delivery", "DO-")
    answer = await deliver(
        conn,
        services,
        origin=origin_of(order_id),
        reference=f"{order['number']}/{number}",
        policy=settings.oversell_policy,
        lines=[(f"{line['id']}/{number}", line["product_id"], qty) for line, qty in plan],
    )
    by_line = {str(line["id"]): line for line, _ in plan}
    delivered = [item for item in answer.lines if item.delivered > 0]
    if not delivered:
        conflict(
            "no stock to deliver any of it: nothing was delivered",
            policy=settings.oversell_policy,
        )
    await conn.execute(
        "insert into sales_delivery (id, order_id, number, value, currency) "
        "values ($1, $2, $3, $4, $5)",
        delivery_id,
        order_id,
        number,
        sum((item.value or _ZERO for item in delivered), _ZERO),
        next((item.currency for item in delivered if item.currency), None),
    )
    for item in delivered:
        line = by_line[item.origin_line.split("/", 1)[0]]
        await conn.execute(
            "insert into sales_delivery_line (id, delivery_id, order_line_id, product_id, "
            "quantity, backordered, unit_cost, value, currency, move_id) "
            "values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            new_id(),
            delivery_id,
            line["id"],
            item.product_id,
            item.delivered,
            item.backordered,
            item.unit_cost or _ZERO,
            item.value or _ZERO,
            item.currency,
            item.move_id,
        )
        await conn.execute(
            "update sales_order_line set delivered = delivered + $2, "
            "reserved = greatest(reserved - $2, 0) where id = $1",
            line["id"],
            item.delivered,
        )
    state = await refresh_state(conn, order_id)
    left = await conn.fetchval(
        "select exists (select 1 from sales_order_line where order_id = $1 "
        "and product_id is not null and delivered < quantity)",
        order_id,
    )
    await events.publish(
        conn,
        type=DELIVERY_DONE,
        subject=str(delivery_id),
        data=DeliveryDone(
            id=delivery_id,
            order_id=order_id,
            number=number,
            value=str(sum((item.value or _ZERO for item in delivered), _ZERO)),
            backordered=bool(left),
        ),
    )
    del state
    return delivery_id


async def _invoice_for(conn: Connection, order_line_id: UUID) -> Any:
    """The latest invoice (not a credit note) that covered an order line."""
    return await conn.fetchrow(
        "select i.* from sales_invoice i join sales_invoice_line l on l.invoice_id = i.id "
        "where l.order_line_id = $1 and i.kind = 'invoice' and l.quantity > 0 "
        "order by i.created_at desc, i.id desc limit 1",
        order_line_id,
    )


async def return_delivery(
    conn: Connection,
    services: Services,
    events: EventPublisher,
    *,
    delivery_id: UUID,
    asked: Sequence[tuple[UUID, Decimal]],
    with_credit: bool,
    reason: str,
) -> UUID:
    """Take goods of a delivery back (see the module); the return's id."""
    delivery = await conn.fetchrow(
        "select * from sales_delivery where id = $1 for update", delivery_id
    )
    if delivery is None:
        not_found()
    order = await load_order(conn, delivery["order_id"], lock=True)
    rows = {
        row["id"]: row
        for row in await conn.fetch(
            "select * from sales_delivery_line where delivery_id = $1", delivery_id
        )
    }
    errors = FieldErrors()
    if not asked:
        errors.add("lines", "at least one line")
    plan: list[tuple[Any, Decimal]] = []
    for index, (line_id, quantity) in enumerate(asked):
        row = rows.get(line_id)
        if row is None:
            errors.add(f"lines[{index}].delivery_line_id", "not a line of this delivery")
            continue
        left = row["quantity"] - row["returned"]
        if quantity <= 0 or quantity > left:
            errors.add(f"lines[{index}].quantity", f"between 0 (excluded) and {left} left")
            continue
        plan.append((row, quantity))
    errors.raise_if_any()
    return_id = new_id()
    number = await next_number(conn, "return", "RET-")
    moves = [(row["move_id"], quantity) for row, quantity in plan if row["move_id"]]
    answer = Returned()
    if moves:  # an untracked product's delivery moved nothing: nothing goes back to stock
        answer = await return_goods(
            conn,
            services,
            origin=f"sales.return:{return_id}",
            reference=f"{order['number']}/{number}",
            lines=moves,
        )
    costs = {item.move_id: item for item in answer.lines}
    value = _ZERO
    await conn.execute(
        "insert into sales_return (id, delivery_id, order_id, number) values ($1, $2, $3, $4)",
        return_id,
        delivery_id,
        order["id"],
        number,
    )
    credited: dict[UUID, list[tuple[Any, Decimal]]] = {}
    for row, quantity in plan:
        cost = costs.get(row["move_id"])
        unit_cost = cost.unit_cost if cost is not None else row["unit_cost"]
        line_value = cost.value if cost is not None else quantity * row["unit_cost"]
        value += line_value
        await conn.execute(
            "insert into sales_return_line (id, return_id, delivery_line_id, quantity, "
            "unit_cost, value) values ($1, $2, $3, $4, $5, $6)",
            new_id(),
            return_id,
            row["id"],
            quantity,
            unit_cost,
            line_value,
        )
        await conn.execute(
            "update sales_delivery_line set returned = returned + $2 where id = $1",
            row["id"],
            quantity,
        )
        await conn.execute(
            "update sales_order_line set returned = returned + $2 where id = $1",
            row["order_line_id"],
            quantity,
        )
        invoice = await _invoice_for(conn, row["order_line_id"]) if with_credit else None
        if invoice is not None:
            credited.setdefault(invoice["document_id"], []).append((row, quantity))
    credit_note_id = await _credit(
        conn, services, order=order, return_id=return_id, credited=credited, reason=reason
    )
    await conn.execute(
        "update sales_return set value = $2, credit_note_id = $3 where id = $1",
        return_id,
        value,
        credit_note_id,
    )
    await refresh_state(conn, order["id"])
    await events.publish(
        conn,
        type=RETURN_DONE,
        subject=str(return_id),
        data=ReturnDone(
            id=return_id,
            delivery_id=delivery_id,
            order_id=order["id"],
            value=str(value),
            credit_note_id=credit_note_id,
        ),
    )
    return return_id


async def _credit(
    conn: Connection,
    services: Services,
    *,
    order: Any,
    return_id: UUID,
    credited: dict[UUID, list[tuple[Any, Decimal]]],
    reason: str,
) -> UUID | None:
    """One credit note per invoice the returned goods were on; the last one's id."""
    credit_note_id: UUID | None = None
    for invoice_id, items in credited.items():
        source_ref = f"sales.return:{return_id}:{invoice_id}"
        note = await credit(
            conn,
            services,
            invoice_id=invoice_id,
            day=date.today(),
            reason=reason,
            lines=[
                {"product_id": str(row["product_id"]), "quantity": format(quantity, "f")}
                for row, quantity in items
            ],
            source_ref=source_ref,
        )
        link = new_id()
        await conn.execute(
            "insert into sales_invoice (id, order_id, document_id, kind, source_ref, return_id) "
            "values ($1, $2, $3, 'credit_note', $4, $5)",
            link,
            order["id"],
            note.id,
            source_ref,
            return_id,
        )
        for row, quantity in items:
            await conn.execute(
                "insert into sales_invoice_line (id, invoice_id, order_line_id, quantity) "
                "values ($1, $2, $3, $4)",
                new_id(),
                link,
                row["order_line_id"],
                -quantity,
            )
            await conn.execute(
                "update sales_order_line set invoiced = invoiced - $2 where id = $1",
                row["order_line_id"],
                quantity,
            )
        credit_note_id = note.id
    return credit_note_id
