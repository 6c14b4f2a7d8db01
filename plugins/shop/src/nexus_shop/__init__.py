"""Nexus Shop: a public storefront per tenant over Inventory, Finance and Payments.

The hook implementations, and nothing else. Products come from Inventory (published through
a listing), prices from the shop's price lists, taxes from Finance; a checkout reserves the
stock (``inventory.reserve``), posts the invoice (``finance.documents.draft``) and opens a
Payments checkout (or takes an offline method); Payments' confirmation delivers the goods
(``inventory.deliver``). See README.md for the routes, permissions, settings and events.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import Background, Manifest, Permission, hookimpl, new_id

from nexus_shop._events import (
    ORDER_CANCELLED,
    ORDER_PAID,
    ORDER_PLACED,
    PAYMENT_CONFIRMED,
    PAYMENT_FAILED,
)
from nexus_shop._examples import EXAMPLES
from nexus_shop._handlers import payment_confirmed, payment_failed
from nexus_shop._keys import (
    CARTS_USE,
    CATALOG_READ,
    CATALOG_WRITE,
    CHECKOUT_READ,
    CHECKOUT_WRITE,
    ORDERS_READ,
    ORDERS_WRITE,
)
from nexus_shop._routes_carts import CartController
from nexus_shop._routes_catalog import CategoryController, ListingController
from nexus_shop._routes_checkout import DiscountController, ShippingController
from nexus_shop._routes_my import MyController
from nexus_shop._routes_orders import OrderController
from nexus_shop._routes_prices import PriceListController
from nexus_shop._routes_store import StoreController
from nexus_shop._settings import ShopSettings
from nexus_shop._sweep import SWEEPER

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Connection, TenantRef

__all__ = (
    "SWEEPER",
    "ShopSettings",
    "nexus_background",
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
    "nexus_shutdown",
    "nexus_tenant_enable",
)

_MEMBERS = ("tenant_admin", "member")

TABLES = (
    "shop_state",
    "shop_category",
    "shop_listing",
    "shop_image",
    "shop_price_list",
    "shop_price",
    "shop_shipping_method",
    "shop_discount",
    "shop_cart",
    "shop_cart_line",
    "shop_order",
    "shop_order_line",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(
        name="shop",
        version="0.1.0",
        title="Shop",
        summary=(
            "An online shop: a public storefront of Inventory's products with prices, "
            "stock, search, carts, shipping, taxes from Finance and discount codes; "
            "checkout reserves stock, posts the invoice and takes payment."
        ),
        hookspecs=">=0.1.3,<0.2",
        permissions=(
            Permission(
                key=CATALOG_READ,
                description="See listings, categories and price lists.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CATALOG_WRITE,
                description="Publish products; manage categories, images and price lists.",
            ),
            Permission(
                key=CHECKOUT_READ,
                description="See shipping methods and discount codes.",
                roles=_MEMBERS,
            ),
            Permission(
                key=CHECKOUT_WRITE, description="Manage shipping methods and discount codes."
            ),
            Permission(key=ORDERS_READ, description="See orders.", roles=_MEMBERS),
            Permission(
                key=CARTS_USE,
                description="A signed-in customer's own cart and orders.",
                roles=_MEMBERS,
            ),
            Permission(
                key=ORDERS_WRITE,
                description="Record offline payments, cancel orders, run the expiry sweep.",
                roles=_MEMBERS,
            ),
        ),
        settings=ShopSettings,
        profile_settings={"currency": "currency"},
        events=(ORDER_PLACED, ORDER_PAID, ORDER_CANCELLED),
        tenant_tables=TABLES,
        example_payloads=EXAMPLES,
    )


@hookimpl
def nexus_routes(register: Callable[[Any], None]) -> None:
    """Mount the shop routes under ``/api/v1/shop/``."""
    for controller in (
        ListingController,
        CategoryController,
        PriceListController,
        ShippingController,
        DiscountController,
        OrderController,
        StoreController,
        CartController,
        MyController,
    ):
        register(controller)


@hookimpl
def nexus_piccolo_app() -> str:
    """The shop tables and migrations."""
    return "nexus_shop.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Callable[[str, Any], None]) -> None:
    """Payments' confirmed and failed payments of shop orders."""
    register(PAYMENT_CONFIRMED, payment_confirmed)
    register(PAYMENT_FAILED, payment_failed)


"""The process's expiry sweep (``_sweep``): started with the app, stopped with it."""


@hookimpl
def nexus_background(work: Background) -> None:
    """Start the expiry sweep over every tenant with Shop on."""
    SWEEPER.start(work)


@hookimpl
async def nexus_shutdown(app: Any) -> None:
    """Stop the expiry sweep."""
    await SWEEPER.stop()


@hookimpl
async def nexus_tenant_enable(tenant: TenantRef, settings: Any, conn: Connection) -> None:
    """Make the tenant's order counter and a default price list in its currency."""
    del tenant  # row-level security on ``conn`` already names the tenant
    chosen: ShopSettings = settings or ShopSettings()
    await conn.execute("insert into shop_state (id) values ($1) on conflict do nothing", new_id())
    if not await conn.fetchval("select exists (select 1 from shop_price_list)"):
        await conn.execute(
            "insert into shop_price_list (id, name, currency, is_default) "
            "values ($1, $2, $3, true)",
            new_id(),
            f"Retail {chosen.currency}",
            chosen.currency,
        )
