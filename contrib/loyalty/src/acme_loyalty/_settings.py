"""Per-tenant settings of the loyalty plugin (a preset fills them in)."""

from __future__ import annotations

from typing import Annotated

import msgspec

__all__ = ("LoyaltySettings",)


class LoyaltySettings(msgspec.Struct, frozen=True, kw_only=True):
    """How many points a won deal earns.

    Attributes:
        points_per_unit: Points per whole unit of the deal's amount (``1`` → a deal of
            ``"1250.00"`` earns 1250 points).
        currencies: Deals in these ISO 4217 currencies earn points; empty means any.
        minimum_amount: Deals below this amount (a decimal string) earn nothing.
    """

    points_per_unit: Annotated[int, msgspec.Meta(ge=0, le=1000)] = 1
    currencies: list[Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]] = msgspec.field(
        default_factory=list
    )
    minimum_amount: Annotated[str, msgspec.Meta(pattern=r"^\d+(\.\d+)?$")] = "0"
