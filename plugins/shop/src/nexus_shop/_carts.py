"""Carts: reached by a token, priced by the cart's price list, taxed by Finance.

A cart's token is shown once, when the cart is made; only its SHA-256 is kept, so a leaked
database does not open carts. The quote a cart shows is what the invoice will bill: its
lines go through ``finance.documents.preview`` (the product's or the default tax, the
tenant's tax rounding) with the discount as a ``discount_percent`` and shipping as a line.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from litestar.exceptions import ValidationException
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, not_found

from nexus_shop import _peers

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = (
    "CartLineOut",
    "Quote",
    "discount_percent",
    "find_cart",
    "hash_token",
    "new_cart",
    "new_token",
    "quote",
)

_CENT = Decimal("0.01")
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def new_token() -> str:
    """A cart token: 256 random bits, URL-safe."""
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> bytes:
    """The SHA-256 a cart token is kept as."""
    return hashlib.sha256(token.encode()).digest()


async def new_cart(
    conn: Connection, *, price_list_id: UUID, currency: str, customer: str | None = None
) -> tuple[UUID, str]:
    """Make an open cart; its id and its token (shown once)."""
    token = new_token()
    cart_id = new_id()
    await conn.execute(
        "insert into shop_cart (id, token_hash, price_list_id, currency, customer, status) "
        "values ($1, $2, $3, $4, $5, 'open')",
        cart_id,
        hash_token(token),
        price_list_id,
        currency,
        customer,
    )
    return cart_id, token


async def find_cart(conn: Connection, token: str, *, lock: bool = False) -> Any:
    """The cart of ``token`` (404 for an unknown one), locked for update with ``lock``."""
    row = await conn.fetchrow(
        "select * from shop_cart where token_hash = $1" + (" for update" if lock else ""),
        hash_token(token),
    )
    if row is None:
        not_found()
    return row


class CartLineOut(msgspec.Struct, kw_only=True):
    """A cart line: ``unit_price`` from the cart's price list; ``problem`` when unsellable."""

    product_id: UUID
    sku: str
    title: str
    quantity: Decimal
    unit_price: Decimal | None
    subtotal: Decimal | None
    problem: str | None = None


class Quote(msgspec.Struct, kw_only=True):
    """A cart's lines and totals, as the invoice would bill them.

    ``taxed`` says whether Finance priced the taxes (``False`` when Finance is off, or
    refuses to price the cart — ``tax_note`` says why, and checkout will be refused: the
    totals are then without tax).
    """

    currency: str
    lines: list[CartLineOut]
    subtotal: Decimal
    discount_code: str | None
    discount_total: Decimal
    shipping_method_id: UUID | None
    shipping_total: Decimal
    tax_total: Decimal
    total: Decimal
    taxed: bool
    tax_note: str | None = None


def discount_percent(discount: Any, subtotal: Decimal, *, now: datetime) -> Decimal | None:
    """The percent a discount code takes off ``subtotal``; ``None`` when it does not apply.

    An amount off is taken as the equivalent percent of the products' subtotal (to four
    decimals), at most all of it.
    """
    if discount is None or not discount["active"] or subtotal <= 0:
        return None
    if discount["starts_at"] is not None and now < discount["starts_at"]:
        return None
    if discount["ends_at"] is not None and now >= discount["ends_at"]:
        return None
    if discount["max_uses"] is not None and discount["used"] >= discount["max_uses"]:
        return None
    if discount["min_subtotal"] is not None and subtotal < discount["min_subtotal"]:
        return None
    value = Decimal(discount["value"])
    if discount["kind"] == "percent":
        return value
    return min(value / subtotal * _HUNDRED, _HUNDRED).quantize(Decimal("0.0001"), ROUND_HALF_UP)


def _shipping(method: Any, subtotal: Decimal, country: str | None) -> Decimal:
    if country is not None and method["countries"] and country not in method["countries"]:
        conflict(f"{method['name']} does not ship to {country}", country=country)
    if method["free_over"] is not None and subtotal >= method["free_over"]:
        return _ZERO
    return Decimal(method["rate"])


def _line(row: Any, currency: str) -> CartLineOut:
    quantity = Decimal(row["quantity"])
    problem = None
    if not row["published"]:
        problem = "no longer sold"
    elif row["amount"] is None:
        problem = f"no price in {currency}"
    price = None if problem else Decimal(row["amount"])
    return CartLineOut(
        product_id=row["product_id"],
        sku=row["sku"] or "",
        title=row["title"] or "",
        quantity=quantity,
        unit_price=price,
        subtotal=None if price is None else (price * quantity).quantize(_CENT, ROUND_HALF_UP),
        problem=problem,
    )


async def quote(
    conn: Connection,
    services: Services,
    cart: Any,
    *,
    country: str | None = None,
    finance_lines: list[dict[str, Any]] | None = None,
) -> Quote:
    """Price ``cart``; the Finance lines of its invoice are appended to ``finance_lines``.

    A line is unsellable (``problem``) when its product is no longer published or has no
    price in the cart's price list; such lines count for nothing.
    """
    rows = await conn.fetch(
        "select c.product_id, c.quantity, l.sku, l.title, l.published, p.amount "
        "from shop_cart_line c "
        "left join shop_listing l on l.product_id = c.product_id "
        "left join shop_price p on p.product_id = c.product_id and p.price_list_id = $2 "
        "where c.cart_id = $1 order by c.id",
        cart["id"],
        cart["price_list_id"],
    )
    now = datetime.now(UTC)
    lines = [_line(row, cart["currency"]) for row in rows]
    subtotal = sum((line.subtotal or _ZERO for line in lines), _ZERO)
    discount = None
    if cart["discount_id"] is not None:
        discount = await conn.fetchrow(
            "select * from shop_discount where id = $1", cart["discount_id"]
        )
    percent = discount_percent(discount, subtotal, now=now)
    shipping = _ZERO
    method = None
    if cart["shipping_method_id"] is not None:
        method = await conn.fetchrow(
            "select * from shop_shipping_method where id = $1 and active",
            cart["shipping_method_id"],
        )
        if method is not None:
            shipping = _shipping(method, subtotal, country)
    invoice: list[dict[str, Any]] = [] if finance_lines is None else finance_lines
    for line in lines:
        if line.unit_price is None:
            continue
        item: dict[str, Any] = {
            "description": f"{line.sku} {line.title}".strip(),
            "quantity": _peers.text(line.quantity),
            "unit_price": _peers.text(line.unit_price),
            "product_id": str(line.product_id),
        }
        if percent:
            item["discount_percent"] = _peers.text(percent)
        invoice.append(item)
    if method is not None and shipping > 0:
        invoice.append(
            {
                "description": f"Shipping: {method['name']}",
                "unit_price": _peers.text(shipping),
            }
        )
    discount_total = (subtotal * (percent or _ZERO) / _HUNDRED).quantize(_CENT, ROUND_HALF_UP)
    total = subtotal - discount_total + shipping
    tax_total = _ZERO
    taxed = False
    note = None
    if invoice:
        try:
            priced = await _peers.preview(
                conn, services, currency=cart["currency"], day=date.today(), lines=invoice
            )
        except ValidationException as refused:  # Finance cannot bill it (a currency it lacks)
            priced, note = None, str(refused.detail)
        if priced is not None:
            taxed = True
            tax_total = priced.tax_total
            total = priced.total
    return Quote(
        currency=cart["currency"],
        lines=lines,
        subtotal=subtotal,
        discount_code=None if percent is None or discount is None else discount["code"],
        discount_total=discount_total,
        shipping_method_id=None if method is None else method["id"],
        shipping_total=shipping,
        tax_total=tax_total,
        total=total,
        taxed=taxed,
        tax_note=note,
    )
