"""Per-tenant settings of the inventory plugin (filled from the tenant's preset)."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ("InventorySettings",)

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]


class InventorySettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset may set for inventory.

    Attributes:
        default_warehouse_name: Name of the warehouse seeded for the tenant.
        default_warehouse_code: Its short code (unique per tenant).
        allow_negative_stock: Accept deliveries beyond the available quantity.
        valuation_currency: ISO 4217 currency of average costs and stock valuation.
        default_uom: Unit of measure of products created without one.
        oversell_policy: What an automatic delivery (a posted invoice's, the
            ``inventory.deliver`` service's default) does when stock is short: ``refuse``
            delivers nothing of the line and records the failure (a ``failed`` move and
            ``inventory.delivery.failed.v1``; the service answers 409); ``backorder``
            delivers what is available and leaves the rest as a draft backorder delivery.
    """

    default_warehouse_name: str = "Main warehouse"
    default_warehouse_code: str = "WH"
    allow_negative_stock: bool = False
    valuation_currency: Currency = "USD"
    default_uom: str = "unit"
    oversell_policy: Literal["refuse", "backorder"] = "refuse"
