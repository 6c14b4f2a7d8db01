"""Constrained field types that several resources' bodies (and event payloads) share.

Quantities and money travel as decimal strings (:data:`Amount`); the Structs themselves live
with their routes (``_routes_<resource>.py``).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

import msgspec

__all__ = ("Amount", "MoveKind", "Name", "Reference", "Sku")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Oak desk"])]
Sku = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^\S+$", examples=["DESK-1"])
]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["SO-1001"])]
Amount = Annotated[
    Decimal, msgspec.Meta(description='A decimal string, e.g. "12.50"', examples=["12.50"])
]
MoveKind = Literal["receipt", "delivery", "internal", "adjustment"]
