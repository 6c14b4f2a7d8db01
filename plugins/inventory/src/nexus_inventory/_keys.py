"""Permission and feature keys of Inventory, as constants."""

from __future__ import annotations

__all__ = (
    "DELIVER_ON_INVOICE",
    "MOVES_READ",
    "MOVES_WRITE",
    "PRODUCTS_READ",
    "PRODUCTS_WRITE",
    "REORDER_RULES",
    "RESERVATIONS",
    "RESERVATIONS_READ",
    "RESERVATIONS_WRITE",
    "RULES_READ",
    "RULES_WRITE",
    "VALUATION",
    "VALUATION_READ",
    "WAREHOUSES_READ",
    "WAREHOUSES_WRITE",
)

PRODUCTS_READ = "inventory.products:read"
"""List and show products and their stock per location."""

PRODUCTS_WRITE = "inventory.products:write"
"""Create, change and delete products."""

WAREHOUSES_READ = "inventory.warehouses:read"
"""List and show warehouses and locations."""

WAREHOUSES_WRITE = "inventory.warehouses:write"
"""Create and change warehouses and locations."""

MOVES_READ = "inventory.moves:read"
"""List and show stock moves."""

MOVES_WRITE = "inventory.moves:write"
"""Create, validate and cancel stock moves."""

RESERVATIONS_READ = "inventory.reservations:read"
"""List and show reservations."""

RESERVATIONS_WRITE = "inventory.reservations:write"
"""Reserve and release stock (members hold it too)."""

RULES_READ = "inventory.reorder_rules:read"
"""List and show reorder rules."""

RULES_WRITE = "inventory.reorder_rules:write"
"""Create, change and delete reorder rules."""

VALUATION_READ = "inventory.valuation:read"
"""Read the stock valuation: quantities at average cost (tenant admins only)."""

RESERVATIONS = "inventory.reservations"
"""Feature: the reservation routes."""

REORDER_RULES = "inventory.reorder_rules"
"""Feature: the reorder-rule routes."""

VALUATION = "inventory.valuation"
"""Feature: ``GET /valuation`` and ``inventory.valuation.posted.v1``."""

DELIVER_ON_INVOICE = "inventory.deliver_on_invoice"
"""Feature (off by default): a posted customer invoice creates its deliveries."""
