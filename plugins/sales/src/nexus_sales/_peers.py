"""What Sales needs of Finance and Inventory: its own mirrors of their services' answers.

Sales never imports another plugin. It calls their services by name through the kernel's
services port (``services.call(conn, name, data, result=...)``), inside the caller's
transaction, and reads the answers into the Structs below, which mirror only the fields it
uses. A provider switched off for the tenant answers the kernel's ServiceUnavailable (409
naming the plugin); the provider's own problems (404/409/422) pass through unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from datetime import date

    from nexus_hookspecs import Connection, Services

__all__ = (
    "Delivered",
    "DeliveredLine",
    "Document",
    "Partner",
    "Reserved",
    "Returned",
    "Tax",
    "credit",
    "deliver",
    "document_line",
    "draft_document",
    "ensure_partner",
    "get_document",
    "preview",
    "products",
    "release",
    "reserve",
    "return_goods",
    "taxes",
)

_ZERO = Decimal(0)


class Tax(msgspec.Struct, kw_only=True):
    """A Finance tax (``finance.taxes.list``)."""

    id: UUID
    name: str
    rate: Decimal
    scope: str = "sale"
    price_include: bool = False
    tags: list[str] = msgspec.field(default_factory=list)
    active: bool = True
    default: bool = False


class Partner(msgspec.Struct, kw_only=True):
    """A Finance partner (``finance.partners.ensure``)."""

    id: UUID
    name: str


class Document(msgspec.Struct, kw_only=True):
    """A Finance invoice or credit note (``finance.documents.*``)."""

    id: UUID
    number: str | None = None
    state: str
    untaxed_total: Decimal = _ZERO
    tax_total: Decimal = _ZERO
    total: Decimal = _ZERO
    amount_paid: Decimal = _ZERO
    currency: str


class PricedLine(msgspec.Struct, kw_only=True):
    """A line as Finance would bill it: its tax, net and tax amount."""

    tax_id: UUID | None = None
    subtotal: Decimal
    tax_amount: Decimal


class Priced(msgspec.Struct, kw_only=True):
    """The answer of ``finance.documents.preview``: the lines and totals the invoice gets."""

    untaxed_total: Decimal
    tax_total: Decimal
    lines: list[PricedLine]


class ReservedLine(msgspec.Struct, kw_only=True):
    """What Inventory held for one line."""

    origin_line: str
    reserved: Decimal = _ZERO
    short: Decimal = _ZERO


class Reserved(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.reserve``."""

    lines: list[ReservedLine] = msgspec.field(default_factory=list)


class DeliveredLine(msgspec.Struct, kw_only=True):
    """What Inventory delivered for one line, and at what cost."""

    origin_line: str
    product_id: UUID
    delivered: Decimal
    backordered: Decimal = _ZERO
    unit_cost: Decimal | None = None
    value: Decimal | None = None
    currency: str | None = None
    move_id: UUID | None = None


class Released(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.release`` (what was released is not needed)."""

    origin: str | None = None


class Delivered(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.deliver``."""

    lines: list[DeliveredLine] = msgspec.field(default_factory=list)


class ReturnedLine(msgspec.Struct, kw_only=True):
    """What came back of one delivery move."""

    move_id: UUID
    quantity: Decimal
    unit_cost: Decimal = _ZERO
    value: Decimal = _ZERO


class Returned(msgspec.Struct, kw_only=True):
    """The answer of ``inventory.return``."""

    lines: list[ReturnedLine] = msgspec.field(default_factory=list)


class Product(msgspec.Struct, kw_only=True):
    """An Inventory product (``inventory.products.get``)."""

    id: UUID
    sku: str = ""
    tracked: bool = True


async def products(conn: Connection, services: Services, ids: list[UUID]) -> set[UUID] | None:
    """Which of ``ids`` are the tenant's Inventory products; ``None`` when Inventory is off."""
    if not ids or not await services.available(conn, "inventory.products.get"):
        return None
    found = await services.call(
        conn, "inventory.products.get", {"ids": [str(i) for i in ids]}, result=list[Product]
    )
    return {product.id for product in found}


def _text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value else "0"


async def taxes(conn: Connection, services: Services) -> list[Tax]:
    """Finance's taxes, or none when Finance is off for the tenant (totals then untaxed)."""
    if not await services.available(conn, "finance.taxes.list"):
        return []
    return await services.call(conn, "finance.taxes.list", {"scope": "sale"}, result=list[Tax])


async def ensure_partner(
    conn: Connection, services: Services, *, partner_ref: UUID | None, name: str
) -> UUID | None:
    """The Finance partner for a CRM company (created when missing); ``None`` when off."""
    if not await services.available(conn, "finance.partners.ensure"):
        return None
    data: dict[str, Any] = {"name": name, "kind": "customer"}
    if partner_ref is not None:
        data["partner_ref"] = str(partner_ref)
    found = await services.call(conn, "finance.partners.ensure", data, result=Partner)
    return found.id


def _partner(row: Any) -> dict[str, Any]:
    if row["partner_id"] is not None:
        return {"partner_id": str(row["partner_id"])}
    found: dict[str, Any] = {"partner_name": row["partner_name"]}
    if row["partner_ref"] is not None:
        found["partner_ref"] = str(row["partner_ref"])
    return found


def document_line(line: Any, quantity: Decimal) -> dict[str, Any]:
    """A quotation or order line (``quantity`` of it) as a Finance document line."""
    found: dict[str, Any] = {
        "description": line["description"],
        "quantity": _text(quantity),
        "unit_price": _text(line["unit_price"]),
        "discount_percent": _text(line["discount_percent"]),
        "tax_ids": None if line["tax_ids"] is None else [str(t) for t in line["tax_ids"]],
    }
    if line["product_id"] is not None:
        found["product_id"] = str(line["product_id"])
    return found


async def preview(
    conn: Connection,
    services: Services,
    *,
    party: Any,
    day: date,
    source_ref: str,
    lines: list[dict[str, Any]],
) -> Priced | None:
    """The lines priced as Finance would invoice them; ``None`` when Finance is off.

    ``finance.documents.preview`` takes what ``finance.documents.draft`` takes and stores
    nothing: the product's taxes, the customer's exemption and fiscal position and the
    tenant's tax rounding apply as on the invoice.
    """
    if not await services.available(conn, "finance.documents.preview"):
        return None
    data = {
        "kind": "invoice",
        **_partner(party),
        "currency": party["currency"].strip(),
        "date": day.isoformat(),
        "source_ref": source_ref,
        "lines": lines,
    }
    return await services.call(conn, "finance.documents.preview", data, result=Priced)


async def draft_document(
    conn: Connection,
    services: Services,
    *,
    party: Any,
    kind: str,
    day: date,
    reference: str,
    source_ref: str,
    lines: list[dict[str, Any]],
    post: bool,
) -> Document:
    """Draft (and with ``post`` post) a Finance document; the same ``source_ref`` → the same."""
    data = {
        "kind": kind,
        **_partner(party),
        "currency": party["currency"],
        "date": day.isoformat(),
        "reference": reference,
        "source_ref": source_ref,
        "lines": lines,
        "post": post,
    }
    return await services.call(conn, "finance.documents.draft", data, result=Document)


async def get_document(conn: Connection, services: Services, document_id: UUID) -> Document:
    """A Finance document's state, totals and amount paid."""
    return await services.call(
        conn, "finance.documents.get", {"id": str(document_id)}, result=Document
    )


async def credit(
    conn: Connection,
    services: Services,
    *,
    invoice_id: UUID,
    day: date,
    reason: str,
    lines: list[dict[str, Any]],
    source_ref: str,
) -> Document:
    """A credit note linked to ``invoice_id`` and matched against it, posted."""
    data = {
        "invoice_id": str(invoice_id),
        "date": day.isoformat(),
        "reason": reason,
        "lines": lines,
        "post": True,
        "source_ref": source_ref,
    }
    return await services.call(conn, "finance.documents.credit", data, result=Document)


def _quantity_lines(lines: list[tuple[str, UUID, Decimal]]) -> list[dict[str, Any]]:
    return [
        {"origin_line": origin, "product_id": str(product), "quantity": _text(quantity)}
        for origin, product, quantity in lines
    ]


async def reserve(
    conn: Connection, services: Services, *, origin: str, lines: list[tuple[str, UUID, Decimal]]
) -> Reserved:
    """Hold stock for ``origin``'s lines (what is short is answered, not refused)."""
    data = {"origin": origin, "lines": _quantity_lines(lines)}
    return await services.call(conn, "inventory.reserve", data, result=Reserved)


async def release(conn: Connection, services: Services, *, origin: str) -> None:
    """Release what is still held for ``origin`` (nothing when Inventory is off)."""
    if await services.available(conn, "inventory.release"):
        await services.call(conn, "inventory.release", {"origin": origin}, result=Released)


async def deliver(
    conn: Connection,
    services: Services,
    *,
    origin: str,
    reference: str,
    policy: str,
    lines: list[tuple[str, UUID, Decimal]],
) -> Delivered:
    """Deliver from stock at average cost; ``refuse`` + short → Inventory's 409."""
    data = {
        "origin": origin,
        "reference": reference,
        "policy": policy,
        "lines": _quantity_lines(lines),
    }
    return await services.call(conn, "inventory.deliver", data, result=Delivered)


async def return_goods(
    conn: Connection,
    services: Services,
    *,
    origin: str,
    reference: str,
    lines: list[tuple[UUID, Decimal]],
) -> Returned:
    """Put delivered goods back at the unit cost their delivery left with."""
    data = {
        "origin": origin,
        "reference": reference,
        "lines": [{"move_id": str(move), "quantity": _text(qty)} for move, qty in lines],
    }
    return await services.call(conn, "inventory.return", data, result=Returned)
