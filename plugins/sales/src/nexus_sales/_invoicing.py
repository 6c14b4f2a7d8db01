"""Invoicing an order through Finance, by each product's invoicing policy.

A product line invoices what was ordered (policy ``order``) or what was delivered (policy
``delivery``), less what was returned and what earlier invoices covered; free-text lines
invoice on order. The invoice is drafted (``post`` → posted: Dr Receivables / Cr Sales and
Cr VAT payable) through ``finance.documents.draft`` with the lines' prices, discounts,
taxes (null → Finance's product and customer defaults) and product ids, and the source
reference ``sales.order:<id>:<n>`` (a retried request finds the same document).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict

from nexus_sales._documents import copy_lines
from nexus_sales._events import ORDER_INVOICED, OrderInvoiced
from nexus_sales._orders import load_order, refresh_state
from nexus_sales._peers import Document, document_line, draft_document

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_sales._settings import SalesSettings

__all__ = ("invoice_order", "invoiceable", "policies", "set_policy")

_ZERO = Decimal(0)
_INVOICEABLE = (
    "confirmed",
    "partially_delivered",
    "delivered",
    "partially_invoiced",
    "invoiced",
)


async def policies(conn: Connection, product_ids: list[UUID]) -> dict[UUID, str]:
    """The products' own invoicing policies (those that have one)."""
    rows = await conn.fetch(
        "select product_id, policy from sales_product_policy where product_id = any($1::uuid[])",
        product_ids,
    )
    return {row["product_id"]: row["policy"] for row in rows}


async def set_policy(conn: Connection, product_id: UUID, policy: str) -> None:
    """Set a product's invoicing policy (``order`` or ``delivery``)."""
    await conn.execute(
        "insert into sales_product_policy (id, product_id, policy) values ($1, $2, $3) "
        "on conflict (tenant_id, product_id) do update set policy = excluded.policy",
        new_id(),
        product_id,
        policy,
    )


def invoiceable(line: Any, policy: str) -> Decimal:
    """What of an order line is left to invoice under ``policy``."""
    base = (
        line["quantity"] if policy == "order" or line["product_id"] is None else line["delivered"]
    )
    left: Decimal = base - line["returned"] - line["invoiced"]
    return max(left, _ZERO)


async def invoice_order(
    conn: Connection,
    services: Services,
    events: EventPublisher,
    settings: SalesSettings,
    *,
    order_id: UUID,
    post: bool,
) -> tuple[Any, Document]:
    """Invoice what an order has to invoice (see the module): the link row and document."""
    order = await load_order(conn, order_id, lock=True)
    if order["state"] not in _INVOICEABLE:
        conflict(f"a {order['state']} order cannot be invoiced", state=order["state"])
    lines = await copy_lines(conn, table="sales_order_line", parent="order_id", parent_id=order_id)
    own = await policies(conn, [line["product_id"] for line in lines if line["product_id"]])
    plan = [
        (line, quantity)
        for line in lines
        if (quantity := invoiceable(line, own.get(line["product_id"], settings.invoice_policy))) > 0
    ]
    if not plan:
        conflict("nothing is left to invoice on this order (deliver first?)")
    sequence = await conn.fetchval(
        "update sales_order set invoice_seq = invoice_seq + 1 where id = $1 returning invoice_seq",
        order_id,
    )
    source_ref = f"sales.order:{order_id}:{sequence}"
    document = await draft_document(
        conn,
        services,
        party=order,
        kind="invoice",
        day=date.today(),
        reference=order["number"],
        source_ref=source_ref,
        lines=[document_line(line, quantity) for line, quantity in plan],
        post=post,
    )
    link = await conn.fetchrow(
        "insert into sales_invoice (id, order_id, document_id, kind, source_ref) "
        "values ($1, $2, $3, 'invoice', $4) returning *",
        new_id(),
        order_id,
        document.id,
        source_ref,
    )
    assert link is not None  # noqa: S101 - insert … returning answers a row
    for line, quantity in plan:
        await conn.execute(
            "insert into sales_invoice_line (id, invoice_id, order_line_id, quantity) "
            "values ($1, $2, $3, $4)",
            new_id(),
            link["id"],
            line["id"],
            quantity,
        )
        await conn.execute(
            "update sales_order_line set invoiced = invoiced + $2 where id = $1",
            line["id"],
            quantity,
        )
    state = await refresh_state(conn, order_id)
    await events.publish(
        conn,
        type=ORDER_INVOICED,
        subject=str(order_id),
        data=OrderInvoiced(
            id=order_id,
            number=order["number"],
            state=state,
            document_id=document.id,
            document_number=document.number,
            total=str(document.total),
            currency=document.currency,
        ),
    )
    return link, document
