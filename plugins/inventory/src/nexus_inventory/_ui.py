"""Inventory's screens in the workspace (``nexus_ui``): products with stock per warehouse."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import UiCard, UiResource, hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("nexus_ui",)


@hookimpl
def nexus_ui(register: Callable[[UiResource | UiCard], None]) -> None:
    """Products (stock per location: the detail's ``stock`` panel), warehouses, value card."""
    register(
        UiResource(
            path="/api/v1/inventory/products",
            label="Products",
            columns=("sku", "name", "sale_price", "currency", "active"),
        )
    )
    register(
        UiResource(
            path="/api/v1/inventory/warehouses", label="Warehouses", columns=("code", "name")
        )
    )
    register(UiCard(label="Stock value", path="/api/v1/inventory/valuation", value="total_value"))
