"""The storefront: visitor routes under ``/store/{tenant}`` (no credentials).

The kernel resolves the tenant's slug (404 when it is unknown or has Shop off) and runs
them as that tenant. Every route counts against ``storefront_per_minute`` per client address
(429 with ``Retry-After`` beyond). The carts are in ``_routes_carts``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, get
from litestar.params import FromPath, QueryParameter
from nexus_hookspecs.http import (
    Context,
    Db,
    Limit,
    Services,
    TenantBlobs,
    TenantSettings,
    not_found,
    route_opt,
)

from nexus_shop._abuse import admit
from nexus_shop._catalog import LISTING_COLUMNS, StoreProduct, price_list_for, store_products
from nexus_shop._fields import CurrencyQuery, SearchQuery
from nexus_shop._settings import ShopSettings

__all__ = ("StoreController",)

_VISITOR = route_opt(access="visitor")


class CategoryOut(msgspec.Struct, kw_only=True):
    """A storefront category."""

    id: UUID
    name: str
    slug: str
    parent_id: UUID | None
    position: int


class ShippingOut(msgspec.Struct, kw_only=True):
    """A shipping method: its flat rate, free from ``free_over``, to ``countries``.

    No ``countries`` means every country.
    """

    id: UUID
    name: str
    currency: str
    rate: Decimal
    free_over: Decimal | None
    countries: list[str]


class StoreController(Controller):
    """What a tenant's customers reach without an account."""

    path = "/store/{tenant:str}"
    tags = ["shop: storefront"]

    @get("/categories", opt=_VISITOR)
    async def store_categories(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[ShopSettings],
    ) -> list[CategoryOut]:
        """The shop's categories, in their order."""
        admit(context, request, settings)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, name, slug, parent_id, position from shop_category "
                "order by position, name"
            )
        return [msgspec.convert(dict(row), CategoryOut) for row in rows]

    @get("/products", opt=_VISITOR)
    async def list_products(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        currency: CurrencyQuery = None,
        category: Annotated[
            str | None, QueryParameter(pattern=r"^[a-z0-9-]{1,100}$", description="A slug.")
        ] = None,
        offset: Annotated[int, QueryParameter(ge=0, le=100_000)] = 0,
        limit: Limit = 50,
    ) -> list[StoreProduct]:
        """Published products with a price in the currency, by title; their stock and tax.

        422 when the shop has no price list in ``currency``.
        """
        admit(context, request, settings)
        async with db.transaction() as conn:
            prices = await price_list_for(conn, currency or settings.currency)
            rows = await conn.fetch(
                f"select {LISTING_COLUMNS}, p.amount as price from shop_listing l "
                "join shop_price p on p.product_id = l.product_id and p.price_list_id = $1 "
                "left join shop_category c on c.id = l.category_id "
                "where l.published and ($2::text is null or c.slug = $2) "
                "order by l.title, l.id offset $3 limit $4",
                prices.id,
                category,
                offset,
                limit,
            )
            return await store_products(conn, services, rows, slug=tenant, currency=prices.currency)

    @get("/products/search", opt=_VISITOR)
    async def search_products(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        q: SearchQuery,
        currency: CurrencyQuery = None,
    ) -> list[StoreProduct]:
        """Full-text search over published products (title, SKU, description), best first.

        The query is read as a search engine reads it (quotes, ``or``, ``-word``); at most
        50 results.
        """
        admit(context, request, settings)
        async with db.transaction() as conn:
            prices = await price_list_for(conn, currency or settings.currency)
            rows = await conn.fetch(
                f"select {LISTING_COLUMNS}, p.amount as price from shop_listing l "
                "join shop_price p on p.product_id = l.product_id and p.price_list_id = $1, "
                "websearch_to_tsquery(l.language, $2) q "
                "where l.published and l.search @@ q "
                "order by ts_rank_cd(l.search, q) desc, l.id limit 50",
                prices.id,
                q,
            )
            return await store_products(conn, services, rows, slug=tenant, currency=prices.currency)

    @get("/products/{product_id:uuid}", opt=_VISITOR)
    async def store_product(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        services: Services,
        context: Context,
        settings: TenantSettings[ShopSettings],
        product_id: FromPath[UUID],
        currency: CurrencyQuery = None,
    ) -> StoreProduct:
        """One published product with its price, stock and images (404 otherwise)."""
        admit(context, request, settings)
        async with db.transaction() as conn:
            prices = await price_list_for(conn, currency or settings.currency)
            rows = await conn.fetch(
                f"select {LISTING_COLUMNS}, p.amount as price from shop_listing l "
                "join shop_price p on p.product_id = l.product_id and p.price_list_id = $1 "
                "where l.published and l.product_id = $2",
                prices.id,
                product_id,
            )
            found = await store_products(
                conn, services, rows, slug=tenant, currency=prices.currency
            )
        if not found:
            not_found()
        return found[0]

    @get("/images/{image_id:uuid}", opt=_VISITOR, media_type="application/octet-stream")
    async def store_image(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        blobs: TenantBlobs,
        context: Context,
        settings: TenantSettings[ShopSettings],
        image_id: FromPath[UUID],
    ) -> Response[bytes]:
        """An image of a published product, as it was uploaded (404 otherwise)."""
        admit(context, request, settings)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select i.blob_key, i.content_type from shop_image i "
                "join shop_listing l on l.id = i.listing_id where i.id = $1 and l.published",
                image_id,
            )
        if row is None:
            not_found()
        content = await blobs.get(row["blob_key"])
        return Response(
            content,
            media_type=row["content_type"],
            headers={"Cache-Control": "public, max-age=3600"},
        )

    @get("/shipping-methods", opt=_VISITOR)
    async def store_shipping(
        self,
        tenant: FromPath[str],
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: TenantSettings[ShopSettings],
        currency: CurrencyQuery = None,
        country: Annotated[str | None, QueryParameter(pattern="^[A-Z]{2}$")] = None,
    ) -> list[ShippingOut]:
        """Active shipping methods in the currency, cheapest first.

        With ``country``, only those shipping there.
        """
        admit(context, request, settings)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, name, currency, rate, free_over, countries "
                "from shop_shipping_method where active and currency = $1 "
                "and ($2::text is null or cardinality(countries) = 0 or $2 = any(countries)) "
                "order by rate, name",
                currency or settings.currency,
                country,
            )
        return [msgspec.convert(dict(row), ShippingOut) for row in rows]
