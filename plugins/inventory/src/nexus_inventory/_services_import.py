"""``inventory.products.ensure``: a product found by SKU, else created (imports use it).

A connector importing another system's catalogue (Integrations) calls it once per product:
the same SKU again answers the product already there, unchanged, so an import run twice
makes one product.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from nexus_hookspecs import Service, new_id
from nexus_hookspecs.http import FieldErrors

from nexus_inventory._amounts import positive
from nexus_inventory._fields import Amount, Name, Sku
from nexus_inventory._settings import InventorySettings

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

__all__ = ("ENSURE_PRODUCT", "EnsureProduct", "EnsuredProduct", "ensure_product")


class EnsureProduct(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``inventory.products.ensure``: the product found by ``sku`` or made."""

    sku: Sku
    name: Name
    sale_price: Amount = Decimal(0)
    cost_price: Amount = Decimal(0)
    tracked: bool = False


class EnsuredProduct(msgspec.Struct, kw_only=True):
    """The answer: the product's id and SKU, and whether this call created it."""

    id: UUID
    sku: str
    created: bool


async def ensure_product(data: EnsureProduct, ctx: ServiceContext) -> EnsuredProduct:
    """Finds the product by SKU, else creates it (untracked unless told, prices in the tenant's valuation currency, its default unit); the same SKU again answers the product as it is. No stock moves and nothing is booked."""  # noqa: E501
    errors = FieldErrors()
    positive(errors, "cost_price", data.cost_price, zero=True)
    positive(errors, "sale_price", data.sale_price, zero=True)
    errors.raise_if_any()
    found = await ctx.conn.fetchval("select id from inventory_product where sku = $1", data.sku)
    if found is not None:
        return EnsuredProduct(id=found, sku=data.sku, created=False)
    settings = await ctx.settings()
    if not isinstance(settings, InventorySettings):
        settings = InventorySettings()
    product_id = new_id()
    await ctx.conn.execute(
        "insert into inventory_product (id, sku, name, uom, cost_price, sale_price, currency, "
        "tracked) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        product_id,
        data.sku,
        data.name,
        settings.default_uom,
        data.cost_price,
        data.sale_price,
        settings.valuation_currency,
        data.tracked,
    )
    return EnsuredProduct(id=product_id, sku=data.sku, created=True)


ENSURE_PRODUCT = Service(
    name="inventory.products.ensure",
    handler=ensure_product,
    request=EnsureProduct,
    response=EnsuredProduct,
    description=" ".join((ensure_product.__doc__ or "").split()),
)
