"""The storefront's catalog: published listings priced in a price list, with their stock.

Stock comes from Inventory (``inventory.products.get``), one call per page; the tax shown
beside a price is Finance's default sales tax (``finance.taxes.list``), when Finance is on.
A reader's query goes through ``websearch_to_tsquery`` and is ranked with ``ts_rank_cd``.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs.http import invalid

from nexus_shop import _peers

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nexus_hookspecs import Connection, Services

__all__ = (
    "LISTING_COLUMNS",
    "ImageRef",
    "PriceList",
    "StoreProduct",
    "price_list_for",
    "store_products",
)

LISTING_COLUMNS = (
    "l.id, l.product_id, l.sku, l.title, l.description, l.category_id, l.published, "
    "l.created_at, l.updated_at"
)
_CENT = Decimal("0.01")


class ImageRef(msgspec.Struct, kw_only=True):
    """An image of a listing and where the storefront serves it."""

    id: UUID
    content_type: str
    url: str


class StoreProduct(msgspec.Struct, kw_only=True):
    """A published product as a visitor sees it.

    ``price`` is the price list's unit price; ``tax_rate`` and ``price_with_tax`` come from
    Finance's default sales tax (absent when Finance is off); ``available`` is what can be
    ordered now (``None`` for a product whose stock is not tracked).
    """

    product_id: UUID
    sku: str
    title: str
    description: str
    category_id: UUID | None
    currency: str
    price: Decimal
    tax_rate: Decimal | None
    price_with_tax: Decimal | None
    available: Decimal | None
    in_stock: bool
    images: list[ImageRef]


class PriceList(msgspec.Struct, kw_only=True):
    """The price list a storefront request reads."""

    id: UUID
    currency: str


async def price_list_for(conn: Connection, currency: str) -> PriceList:
    """The default price list of ``currency``; 422 when the shop does not sell in it."""
    row = await conn.fetchrow(
        "select id, currency from shop_price_list where currency = $1 and is_default", currency
    )
    if row is None:
        invalid("currency", f"the shop has no prices in {currency}", source="query")
    return PriceList(id=row["id"], currency=row["currency"])


def _with_tax(price: Decimal, tax: _peers.Tax | None) -> Decimal | None:
    if tax is None:
        return None
    if tax.price_include:
        return price
    return (price * (1 + tax.rate / 100)).quantize(_CENT, ROUND_HALF_UP)


async def store_products(
    conn: Connection,
    services: Services,
    rows: Sequence[Any],
    *,
    slug: str,
    currency: str,
) -> list[StoreProduct]:
    """Shape listing rows (with a ``price`` column) as storefront products with stock."""
    if not rows:
        return []
    ids = [row["product_id"] for row in rows]
    stock = await _peers.products(conn, services, ids)
    taxes = await _peers.sale_taxes(conn, services)
    tax = next((t for t in taxes if t.default), None)
    images: dict[UUID, list[ImageRef]] = {}
    for image in await conn.fetch(
        "select id, listing_id, content_type from shop_image where listing_id = any($1::uuid[]) "
        "order by position, id",
        [row["id"] for row in rows],
    ):
        images.setdefault(image["listing_id"], []).append(
            ImageRef(
                id=image["id"],
                content_type=image["content_type"],
                url=f"/api/v1/shop/store/{slug}/images/{image['id']}",
            )
        )
    found: list[StoreProduct] = []
    for row in rows:
        product = stock.get(row["product_id"])
        if product is None:  # deleted in Inventory since it was published
            continue
        available = product.available if product.tracked else None
        price = Decimal(row["price"])
        found.append(
            StoreProduct(
                product_id=row["product_id"],
                sku=product.sku,
                title=row["title"],
                description=row["description"],
                category_id=row["category_id"],
                currency=currency,
                price=price,
                tax_rate=None if tax is None else tax.rate,
                price_with_tax=_with_tax(price, tax),
                available=available,
                in_stock=available is None or available > 0,
                images=images.get(row["id"], []),
            )
        )
    return found
