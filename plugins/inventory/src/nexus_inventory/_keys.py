"""Permission and feature keys of Inventory, as constants."""

from __future__ import annotations

__all__ = (
    "DELIVER_ON_INVOICE",
    "MOVES_WRITE",
    "PRODUCTS_WRITE",
    "REORDER_RULES",
    "RESERVATIONS",
    "RESERVATIONS_WRITE",
    "RULES_WRITE",
    "VALUATION",
    "WAREHOUSES_WRITE",
)

PRODUCTS_WRITE = "inventory.products:write"
"""Create, change and delete products."""

WAREHOUSES_WRITE = "inventory.warehouses:write"
"""Create and change warehouses and locations."""

MOVES_WRITE = "inventory.moves:write"
"""Create, validate and cancel stock moves."""

RESERVATIONS_WRITE = "inventory.reservations:write"
"""Reserve and release stock (members hold it too)."""

RULES_WRITE = "inventory.reorder_rules:write"
"""Create, change and delete reorder rules."""

RESERVATIONS = "inventory.reservations"
"""Feature: the reservation routes."""

REORDER_RULES = "inventory.reorder_rules"
"""Feature: the reorder-rule routes."""

VALUATION = "inventory.valuation"
"""Feature: ``GET /valuation`` and ``inventory.valuation.posted.v1``."""

DELIVER_ON_INVOICE = "inventory.deliver_on_invoice"
"""Feature (off by default): a posted customer invoice creates its deliveries."""
