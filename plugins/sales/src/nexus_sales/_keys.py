"""Permission keys of Sales, as constants."""

from __future__ import annotations

__all__ = (
    "ORDERS_READ",
    "ORDERS_WRITE",
    "PRODUCTS_READ",
    "PRODUCTS_WRITE",
    "QUOTATIONS_READ",
    "QUOTATIONS_WRITE",
)

QUOTATIONS_READ = "sales.quotations:read"
"""List and show quotations, their versions and their PDF."""

QUOTATIONS_WRITE = "sales.quotations:write"
"""Create, change, send, accept, decline and revise quotations."""

ORDERS_READ = "sales.orders:read"
"""List and show sales orders, deliveries and returns."""

ORDERS_WRITE = "sales.orders:write"
"""Create, confirm, cancel, deliver, invoice and return against sales orders."""

PRODUCTS_READ = "sales.products:read"
"""Read a product's invoicing policy."""

PRODUCTS_WRITE = "sales.products:write"
"""Set a product's invoicing policy (tenant admins)."""
