"""Inventory's tools for the tenant's assistants (``nexus_ai_tools``): stock on hand.

Products are found by SKU or name, then read through the ``inventory.products.get``
service's own code (``_services.products_get``): on hand, available and average cost.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_inventory._keys import PRODUCTS_READ
from nexus_inventory._services import ProductInfo, ProductsGet, products_get

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("StockOnHand", "nexus_ai_tools")


class StockOnHand(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The products to look at: an exact SKU, or words of their SKU or name."""

    query: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    limit: Annotated[int, msgspec.Meta(ge=1, le=50)] = 10


async def _stock_on_hand(data: StockOnHand, ctx: ServiceContext) -> list[ProductInfo]:
    pattern = "%" + data.query.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    ids = await ctx.conn.fetch(
        "select id from inventory_product where sku = $1 or sku ilike $2 or name ilike $2 "
        "order by (sku = $1) desc, name, id limit $3",
        data.query,
        pattern,
        data.limit,
    )
    return await products_get(ProductsGet(ids=[row["id"] for row in ids]), ctx)


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer stock on hand to the tenant's assistants."""
    register(
        Tool(
            name="inventory.stock.on_hand",
            description=(
                "Stock of products found by SKU or name: on hand and available (on hand "
                "less active reservations) over every internal location, and average cost."
            ),
            input=StockOnHand,
            permission=PRODUCTS_READ,
            handler=_stock_on_hand,
        )
    )
