"""Permission and feature keys of Purchase, as constants."""

from __future__ import annotations

__all__ = (
    "BILLS_APPROVE",
    "BILLS_READ",
    "BILLS_WRITE",
    "ORDERS_READ",
    "ORDERS_WRITE",
    "RECEIPTS_READ",
    "RECEIPTS_WRITE",
    "REORDER_DRAFTS",
    "VENDORS_READ",
    "VENDORS_WRITE",
)

VENDORS_READ = "purchase.vendors:read"
"""List and show vendors and their product prices."""

VENDORS_WRITE = "purchase.vendors:write"
"""Create vendors (Finance partners) and change their product prices."""

ORDERS_READ = "purchase.orders:read"
"""List and show requests for quotation and purchase orders."""

ORDERS_WRITE = "purchase.orders:write"
"""Create, send, confirm and cancel requests for quotation and purchase orders."""

RECEIPTS_READ = "purchase.receipts:read"
"""Show receipts."""

RECEIPTS_WRITE = "purchase.receipts:write"
"""Receive goods against a purchase order (stock in, Stock received not billed)."""

BILLS_READ = "purchase.bills:read"
"""List and show vendor bills and their match."""

BILLS_WRITE = "purchase.bills:write"
"""Record vendor bills against orders (posted in Finance when they match)."""

BILLS_APPROVE = "purchase.bills:approve"
"""Approve a held bill (its differences) so that it is posted in Finance."""

REORDER_DRAFTS = "purchase.reorder_drafts"
"""Feature: ``inventory.stock.low.v1`` drafts requests for quotation."""
