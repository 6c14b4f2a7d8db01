"""Nexus Inventory: Products, warehouses, stock moves, reservations and valuation."""

from __future__ import annotations

from nexus_hookspecs import Manifest, hookimpl

__all__ = ("nexus_manifest",)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin."""
    return Manifest(name="inventory", version="0.1.0", title="Inventory", hookspecs=">=0.1,<0.2")
