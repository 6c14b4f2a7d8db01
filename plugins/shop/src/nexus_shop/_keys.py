"""Permission keys of Shop, as constants."""

from __future__ import annotations

__all__ = (
    "CARTS_USE",
    "CATALOG_READ",
    "CATALOG_WRITE",
    "CHECKOUT_READ",
    "CHECKOUT_WRITE",
    "ORDERS_READ",
    "ORDERS_WRITE",
)

CATALOG_READ = "shop.catalog:read"
"""See listings, categories, images and price lists, published or not."""

CATALOG_WRITE = "shop.catalog:write"
"""Publish products, manage categories, images and price lists."""

CHECKOUT_READ = "shop.checkout:read"
"""See shipping methods and discount codes."""

CHECKOUT_WRITE = "shop.checkout:write"
"""Manage shipping methods and discount codes."""

ORDERS_READ = "shop.orders:read"
"""See orders and their lines."""

ORDERS_WRITE = "shop.orders:write"
"""Record an offline payment, cancel an order, run the expiry sweep."""

CARTS_USE = "shop.carts:use"
"""A signed-in customer's own cart and orders (``/my``)."""
