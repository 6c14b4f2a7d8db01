"""Per-tenant settings of the purchase plugin (filled from the tenant's preset)."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("PurchaseSettings",)

Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]


class PurchaseSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset may set for purchase.

    Attributes:
        currency: ISO 4217 currency of orders created without one.
        order_prefix: Prefix of purchase order numbers (``PO-00001``).
        price_tolerance: Largest difference between the billed and the ordered unit
            price that still matches (0: any difference holds the bill); a difference
            within it is still booked on Purchase price differences.
    """

    currency: Currency = "USD"
    order_prefix: Annotated[str, msgspec.Meta(pattern="^[A-Z0-9-]{1,10}$")] = "PO-"
    price_tolerance: Annotated[str, msgspec.Meta(pattern=r"^\d{1,9}(\.\d{1,6})?$")] = "0"
