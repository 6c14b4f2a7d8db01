"""The typed answers of quotations and orders, with the chain of documents they link.

An order shows its deal, quotation (and its versions), lines with what was reserved,
delivered, returned and invoiced, its backorders, deliveries, returns, invoices and credit
notes (their state, total and amount paid read from Finance's ``finance.documents.get``);
a quotation shows its versions and its order.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

from nexus_sales._documents import copy_lines
from nexus_sales._invoicing import invoiceable, policies
from nexus_sales._peers import get_document
from nexus_sales._quotations import effective_state
from nexus_sales._totals import quantize

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = (
    "DeliveryOut",
    "DocumentLink",
    "LineOut",
    "OrderOut",
    "QuotationOut",
    "QuotationSummary",
    "ReturnOut",
    "delivery_view",
    "order_view",
    "quotation_view",
    "return_view",
)


def qty(value: Decimal) -> str:
    """A quantity as plain decimal text without trailing zeros (``"2.5"``)."""
    return format(value.normalize(), "f") if value else "0"


def money(value: Decimal, currency: str) -> str:
    """An amount at the currency's minor unit (``"134375.00"``)."""
    return str(quantize(value, currency.strip()))


class LineOut(msgspec.Struct, kw_only=True):
    """A quotation or order line (decimals as strings)."""

    id: UUID
    position: int
    product_id: UUID | None
    description: str
    quantity: str
    unit_price: str
    discount_percent: str
    tax_ids: list[UUID] | None
    subtotal: str
    tax_amount: str


class OrderLineOut(LineOut, kw_only=True):
    """An order line with how much of it moved, and its invoicing policy."""

    reserved: str
    delivered: str
    returned: str
    invoiced: str
    to_deliver: str
    to_invoice: str
    invoice_policy: str


class QuotationSummary(msgspec.Struct, kw_only=True):
    """One version of a quotation, in a list."""

    id: UUID
    number: str
    version: int
    state: str
    total: str
    currency: str
    created_at: datetime


class QuotationOut(msgspec.Struct, kw_only=True):
    """A quotation version with its lines, its other versions and its order."""

    id: UUID
    number: str
    version: int
    state: str
    partner_id: UUID | None
    partner_ref: UUID | None
    partner_name: str
    currency: str
    validity_date: date
    payment_terms: str
    notes: str
    deal_id: UUID | None
    previous_id: UUID | None
    untaxed_total: str
    tax_total: str
    total: str
    created_at: datetime
    sent_at: datetime | None
    decided_at: datetime | None
    lines: list[LineOut]
    versions: list[QuotationSummary]
    order_id: UUID | None
    pdf_url: str


class DeliveryLineOut(msgspec.Struct, kw_only=True):
    """What one order line delivered, at what cost, and how much came back."""

    id: UUID
    order_line_id: UUID
    product_id: UUID
    quantity: str
    backordered: str
    unit_cost: str
    value: str
    currency: str | None
    move_id: UUID | None
    returned: str


class DeliveryOut(msgspec.Struct, kw_only=True):
    """A delivery of an order's goods."""

    id: UUID
    order_id: UUID
    number: str
    value: str
    currency: str | None
    created_at: datetime
    lines: list[DeliveryLineOut]


class ReturnLineOut(msgspec.Struct, kw_only=True):
    """What came back of a delivery line, at the cost it left with."""

    id: UUID
    delivery_line_id: UUID
    quantity: str
    unit_cost: str
    value: str


class ReturnOut(msgspec.Struct, kw_only=True):
    """A return against a delivery, with its credit note."""

    id: UUID
    delivery_id: UUID
    order_id: UUID
    number: str
    value: str
    credit_note_id: UUID | None
    created_at: datetime
    lines: list[ReturnLineOut]


class DocumentLink(msgspec.Struct, kw_only=True):
    """A Finance invoice or credit note of an order, as Finance sees it now.

    ``state``, ``number``, ``total`` and ``amount_paid`` are null when Finance is off.
    """

    id: UUID
    kind: str
    source_ref: str
    return_id: UUID | None
    number: str | None = None
    state: str | None = None
    total: str | None = None
    amount_paid: str | None = None
    currency: str | None = None


class BackorderOut(msgspec.Struct, kw_only=True):
    """What of a product line is left to deliver after a partial delivery."""

    order_line_id: UUID
    product_id: UUID
    description: str
    quantity: str


class OrderOut(msgspec.Struct, kw_only=True):
    """A sales order and the chain: deal, quotation (+ versions), deliveries, invoices."""

    id: UUID
    number: str
    state: str
    partner_id: UUID | None
    partner_ref: UUID | None
    partner_name: str
    currency: str
    payment_terms: str
    deal_id: UUID | None
    quotation: QuotationSummary | None
    quotation_versions: list[QuotationSummary]
    created_at: datetime
    confirmed_at: datetime | None
    untaxed_total: str
    tax_total: str
    total: str
    lines: list[OrderLineOut]
    backorders: list[BackorderOut]
    deliveries: list[DeliveryOut]
    returns: list[ReturnOut]
    invoices: list[DocumentLink]
    credit_notes: list[DocumentLink]


def _line_values(row: Any, currency: str) -> dict[str, Any]:
    return {
        "id": row["id"],
        "position": row["position"],
        "product_id": row["product_id"],
        "description": row["description"],
        "quantity": qty(row["quantity"]),
        "unit_price": qty(row["unit_price"]),
        "discount_percent": qty(row["discount_percent"]),
        "tax_ids": row["tax_ids"],
        "subtotal": money(row["subtotal"], currency),
        "tax_amount": money(row["tax_amount"], currency),
    }


def summary(row: Any) -> QuotationSummary:
    """A quotation version in a list."""
    return QuotationSummary(
        id=row["id"],
        number=row["number"],
        version=row["version"],
        state=effective_state(row),
        total=money(row["total"], row["currency"]),
        currency=row["currency"].strip(),
        created_at=row["created_at"],
    )


async def _versions(conn: Connection, number: str) -> list[QuotationSummary]:
    rows = await conn.fetch(
        "select * from sales_quotation where number = $1 order by version", number
    )
    return [summary(row) for row in rows]


async def quotation_view(conn: Connection, row: Any) -> QuotationOut:
    """The answer for one quotation version."""
    currency = row["currency"].strip()
    lines = await copy_lines(
        conn, table="sales_quotation_line", parent="quotation_id", parent_id=row["id"]
    )
    order_id = await conn.fetchval(
        "select o.id from sales_order o join sales_quotation q on q.id = o.quotation_id "
        "where q.number = $1 limit 1",
        row["number"],
    )
    return QuotationOut(
        id=row["id"],
        number=row["number"],
        version=row["version"],
        state=effective_state(row),
        partner_id=row["partner_id"],
        partner_ref=row["partner_ref"],
        partner_name=row["partner_name"],
        currency=currency,
        validity_date=row["validity_date"],
        payment_terms=row["payment_terms"],
        notes=row["notes"],
        deal_id=row["deal_id"],
        previous_id=row["previous_id"],
        untaxed_total=money(row["untaxed_total"], currency),
        tax_total=money(row["tax_total"], currency),
        total=money(row["total"], currency),
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        decided_at=row["decided_at"],
        lines=[LineOut(**_line_values(line, currency)) for line in lines],
        versions=await _versions(conn, row["number"]),
        order_id=order_id,
        pdf_url=f"/api/v1/sales/quotations/{row['id']}/pdf",
    )


async def delivery_view(conn: Connection, row: Any) -> DeliveryOut:
    """The answer for one delivery."""
    lines = await conn.fetch(
        "select * from sales_delivery_line where delivery_id = $1 order by id", row["id"]
    )
    currency = (row["currency"] or "XXX").strip()
    return DeliveryOut(
        id=row["id"],
        order_id=row["order_id"],
        number=row["number"],
        value=money(row["value"], currency),
        currency=row["currency"].strip() if row["currency"] else None,
        created_at=row["created_at"],
        lines=[
            DeliveryLineOut(
                id=line["id"],
                order_line_id=line["order_line_id"],
                product_id=line["product_id"],
                quantity=qty(line["quantity"]),
                backordered=qty(line["backordered"]),
                unit_cost=qty(line["unit_cost"]),
                value=money(line["value"], currency),
                currency=line["currency"].strip() if line["currency"] else None,
                move_id=line["move_id"],
                returned=qty(line["returned"]),
            )
            for line in lines
        ],
    )


async def return_view(conn: Connection, row: Any) -> ReturnOut:
    """The answer for one return."""
    lines = await conn.fetch(
        "select * from sales_return_line where return_id = $1 order by id", row["id"]
    )
    return ReturnOut(
        id=row["id"],
        delivery_id=row["delivery_id"],
        order_id=row["order_id"],
        number=row["number"],
        value=qty(row["value"]),
        credit_note_id=row["credit_note_id"],
        created_at=row["created_at"],
        lines=[
            ReturnLineOut(
                id=line["id"],
                delivery_line_id=line["delivery_line_id"],
                quantity=qty(line["quantity"]),
                unit_cost=qty(line["unit_cost"]),
                value=qty(line["value"]),
            )
            for line in lines
        ],
    )


async def _documents(
    conn: Connection, services: Services | None, order_id: UUID
) -> list[DocumentLink]:
    rows = await conn.fetch(
        "select * from sales_invoice where order_id = $1 order by created_at, id", order_id
    )
    finance = services is not None and await services.available(conn, "finance.documents.get")
    found = []
    for row in rows:
        link = DocumentLink(
            id=row["document_id"],
            kind=row["kind"],
            source_ref=row["source_ref"],
            return_id=row["return_id"],
        )
        if finance and services is not None:
            doc = await get_document(conn, services, row["document_id"])
            link = msgspec.structs.replace(
                link,
                number=doc.number,
                state=doc.state,
                total=money(doc.total, doc.currency),
                amount_paid=money(doc.amount_paid, doc.currency),
                currency=doc.currency,
            )
        found.append(link)
    return found


async def order_view(
    conn: Connection, services: Services | None, row: Any, *, default_policy: str
) -> OrderOut:
    """The answer for one order, with its chain."""
    currency = row["currency"].strip()
    lines = await copy_lines(conn, table="sales_order_line", parent="order_id", parent_id=row["id"])
    own = await policies(conn, [line["product_id"] for line in lines if line["product_id"]])
    order_lines = []
    backorders = []
    delivered_any = any(line["delivered"] > 0 for line in lines)
    for line in lines:
        policy = own.get(line["product_id"], default_policy) if line["product_id"] else "order"
        left = line["quantity"] - line["delivered"] if line["product_id"] else Decimal(0)
        order_lines.append(
            OrderLineOut(
                **_line_values(line, currency),
                reserved=qty(line["reserved"]),
                delivered=qty(line["delivered"]),
                returned=qty(line["returned"]),
                invoiced=qty(line["invoiced"]),
                to_deliver=qty(left),
                to_invoice=qty(invoiceable(line, policy)),
                invoice_policy=policy,
            )
        )
        if delivered_any and left > 0 and row["state"] != "cancelled":
            backorders.append(
                BackorderOut(
                    order_line_id=line["id"],
                    product_id=line["product_id"],
                    description=line["description"],
                    quantity=qty(left),
                )
            )
    quotation = None
    versions: list[QuotationSummary] = []
    if row["quotation_id"] is not None:
        found = await conn.fetchrow(
            "select * from sales_quotation where id = $1", row["quotation_id"]
        )
        if found is not None:
            quotation = summary(found)
            versions = await _versions(conn, found["number"])
    deliveries = await conn.fetch(
        "select * from sales_delivery where order_id = $1 order by created_at, id", row["id"]
    )
    returns = await conn.fetch(
        "select * from sales_return where order_id = $1 order by created_at, id", row["id"]
    )
    documents = await _documents(conn, services, row["id"])
    untaxed = sum((line["subtotal"] for line in lines), Decimal(0))
    tax = sum((line["tax_amount"] for line in lines), Decimal(0))
    return OrderOut(
        id=row["id"],
        number=row["number"],
        state=row["state"],
        partner_id=row["partner_id"],
        partner_ref=row["partner_ref"],
        partner_name=row["partner_name"],
        currency=currency,
        payment_terms=row["payment_terms"],
        deal_id=row["deal_id"],
        quotation=quotation,
        quotation_versions=versions,
        created_at=row["created_at"],
        confirmed_at=row["confirmed_at"],
        untaxed_total=money(untaxed, currency),
        tax_total=money(tax, currency),
        total=money(untaxed + tax, currency),
        lines=order_lines,
        backorders=backorders,
        deliveries=[await delivery_view(conn, d) for d in deliveries],
        returns=[await return_view(conn, r) for r in returns],
        invoices=[d for d in documents if d.kind == "invoice"],
        credit_notes=[d for d in documents if d.kind == "credit_note"],
    )
