"""Field types the request bodies share (strict kit decimals, bounded text)."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec
from nexus_hookspecs.http import Multiline, decimal_meta

__all__ = (
    "BillingType",
    "Currency",
    "Description",
    "Hours",
    "Name",
    "Priority",
    "Status",
    "decimal_text",
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Description = Annotated[Multiline, msgspec.Meta(max_length=20_000)]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")]
Hours = Annotated[Decimal, decimal_meta(digits=10, places=2, description="Hours.", example="7.5")]
BillingType = Literal["time_and_materials", "fixed_price", "non_billable"]
Status = Literal["draft", "active", "on_hold", "done", "cancelled"]
Priority = Literal["low", "normal", "high", "urgent"]


def decimal_text(value: Decimal) -> str:
    """A decimal as plain digits without trailing zeros (``"1400"``, ``"7.5"``, ``"0"``)."""
    return format(value.normalize(), "f") if value else "0"
