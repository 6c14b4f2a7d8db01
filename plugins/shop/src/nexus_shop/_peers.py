"""What Shop needs of Inventory, Finance, Payments and Notify: mirrors of their answers.

Shop never imports another plugin. It calls their services by name through the kernel's
services port inside the caller's transaction and reads the answers into the Structs below,
which mirror only the fields it uses. A provider switched off for the tenant answers the
kernel's ServiceUnavailable (409 naming the plugin); its own problems pass through.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec

if TYPE_CHECKING:
    from datetime import date

    from nexus_hookspecs import Connection, Services

__all__ = (
    "Checkout",
    "Document",
    "Priced",
    "Product",
    "Tax",
    "checkout",
    "credit",
    "deliver",
    "draft_invoice",
    "ensure_partner",
    "preview",
    "products",
    "release",
    "reserve",
    "sale_taxes",
    "text",
)

_ZERO = Decimal(0)


def text(value: Decimal) -> str:
    """A decimal as services take it: plain notation, no exponent, no trailing zeros."""
    return format(value.normalize(), "f") if value else "0"


class Product(msgspec.Struct, kw_only=True):
    """An Inventory product with its stock (``inventory.products.get``)."""

    id: UUID
    sku: str
    name: str
    tracked: bool = True
    on_hand: Decimal = _ZERO
    available: Decimal = _ZERO


class Tax(msgspec.Struct, kw_only=True):
    """A Finance tax (``finance.taxes.list``)."""

    id: UUID
    name: str
    rate: Decimal
    price_include: bool = False
    default: bool = False


class PricedLine(msgspec.Struct, kw_only=True):
    """A line as Finance would bill it."""

    description: str
    tax_rate: Decimal = _ZERO
    subtotal: Decimal
    tax_amount: Decimal
    total: Decimal


class Priced(msgspec.Struct, kw_only=True):
    """The answer of ``finance.documents.preview``: the lines and totals the invoice gets."""

    currency: str
    untaxed_total: Decimal
    tax_total: Decimal
    total: Decimal
    lines: list[PricedLine]


class Document(msgspec.Struct, kw_only=True):
    """A Finance invoice or credit note (``finance.documents.*``)."""

    id: UUID
    number: str | None = None
    state: str
    untaxed_total: Decimal = _ZERO
    tax_total: Decimal = _ZERO
    total: Decimal = _ZERO
    currency: str


class _Partner(msgspec.Struct, kw_only=True):
    id: UUID


class ReservedLine(msgspec.Struct, kw_only=True):
    """What Inventory held for one line, and what it could not (``short``)."""

    origin_line: str
    product_id: UUID
    reserved: Decimal = _ZERO
    short: Decimal = _ZERO


class _Reserved(msgspec.Struct, kw_only=True):
    lines: list[ReservedLine] = msgspec.field(default_factory=list)


class _Released(msgspec.Struct, kw_only=True):
    origin: str | None = None


class DeliveredLine(msgspec.Struct, kw_only=True):
    """What Inventory delivered for one line."""

    origin_line: str
    delivered: Decimal
    backordered: Decimal = _ZERO


class _Delivered(msgspec.Struct, kw_only=True):
    lines: list[DeliveredLine] = msgspec.field(default_factory=list)


class Checkout(msgspec.Struct, kw_only=True):
    """The answer of ``payments.checkouts.create``."""

    checkout_id: UUID
    provider: str
    url: str
    status: str = "open"
    expires_at: datetime | None = None


async def products(conn: Connection, services: Services, ids: list[UUID]) -> dict[UUID, Product]:
    """The tenant's Inventory products of ``ids`` with their stock (unknown ones left out)."""
    if not ids:
        return {}
    found = await services.call(
        conn, "inventory.products.get", {"ids": [str(i) for i in ids]}, result=list[Product]
    )
    return {product.id: product for product in found}


async def sale_taxes(conn: Connection, services: Services) -> list[Tax]:
    """Finance's active sales taxes, none when Finance is off (prices then shown untaxed)."""
    if not await services.available(conn, "finance.taxes.list"):
        return []
    return await services.call(conn, "finance.taxes.list", {"scope": "sale"}, result=list[Tax])


async def ensure_partner(
    conn: Connection, services: Services, *, name: str, email: str, country: str
) -> UUID:
    """The Finance customer of an order (found by exact name, else created)."""
    data = {"name": name, "kind": "customer", "email": email, "country": country}
    return (await services.call(conn, "finance.partners.ensure", data, result=_Partner)).id


def _document(
    *, partner: dict[str, Any], currency: str, day: date, lines: list[dict[str, Any]], **more: Any
) -> dict[str, Any]:
    return {"kind": "invoice", **partner, "currency": currency, "date": day.isoformat(),
            "lines": lines, **more}  # fmt: skip


async def preview(
    conn: Connection, services: Services, *, currency: str, day: date, lines: list[dict[str, Any]]
) -> Priced | None:
    """The lines priced as Finance would invoice them; ``None`` when Finance is off."""
    if not await services.available(conn, "finance.documents.preview"):
        return None
    data = _document(
        partner={"partner_name": "Storefront customer"},
        currency=currency,
        day=day,
        lines=lines,
        source_ref="shop.preview",
    )
    return await services.call(conn, "finance.documents.preview", data, result=Priced)


async def draft_invoice(
    conn: Connection,
    services: Services,
    *,
    partner_id: UUID,
    currency: str,
    day: date,
    reference: str,
    source_ref: str,
    lines: list[dict[str, Any]],
) -> Document:
    """Draft and post the order's invoice (the same ``source_ref`` answers the same one)."""
    data = _document(
        partner={"partner_id": str(partner_id)},
        currency=currency,
        day=day,
        lines=lines,
        reference=reference,
        source_ref=source_ref,
        post=True,
    )
    return await services.call(conn, "finance.documents.draft", data, result=Document)


async def credit(
    conn: Connection, services: Services, *, invoice_id: UUID, reason: str, source_ref: str
) -> Document:
    """Credit the whole invoice, posted and matched against it."""
    data = {"invoice_id": str(invoice_id), "reason": reason, "source_ref": source_ref}
    return await services.call(conn, "finance.documents.credit", data, result=Document)


def _quantity_lines(lines: list[tuple[str, UUID, Decimal]]) -> list[dict[str, Any]]:
    return [
        {"origin_line": origin, "product_id": str(product), "quantity": text(quantity)}
        for origin, product, quantity in lines
    ]


async def reserve(
    conn: Connection, services: Services, *, origin: str, lines: list[tuple[str, UUID, Decimal]]
) -> list[ReservedLine]:
    """Hold stock for ``origin``'s lines; what is short is answered, not refused."""
    data = {"origin": origin, "lines": _quantity_lines(lines)}
    return (await services.call(conn, "inventory.reserve", data, result=_Reserved)).lines


async def release(conn: Connection, services: Services, *, origin: str) -> None:
    """Release what is still held for ``origin`` (nothing when Inventory is off)."""
    if await services.available(conn, "inventory.release"):
        await services.call(conn, "inventory.release", {"origin": origin}, result=_Released)


async def deliver(
    conn: Connection,
    services: Services,
    *,
    origin: str,
    reference: str,
    lines: list[tuple[str, UUID, Decimal]],
) -> list[DeliveredLine]:
    """Deliver the reserved goods (policy ``refuse``: short stock is Inventory's 409)."""
    data = {
        "origin": origin,
        "reference": reference,
        "policy": "refuse",
        "lines": _quantity_lines(lines),
    }
    return (await services.call(conn, "inventory.deliver", data, result=_Delivered)).lines


async def checkout(conn: Connection, services: Services, request: dict[str, Any]) -> Checkout:
    """Open a Payments checkout for an order (``source`` ``shop``)."""
    return await services.call(conn, "payments.checkouts.create", request, result=Checkout)
