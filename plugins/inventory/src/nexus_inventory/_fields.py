"""Constrained field types that several resources' bodies (and event payloads) share.

Quantities and money travel as decimal strings (:data:`Amount`); the Structs themselves live
with their routes (``_routes_<resource>.py``).
"""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec
from nexus_hookspecs.http import Quantity

__all__ = ("Amount", "CreateKind", "MoveKind", "Name", "Reference", "Sku")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Oak desk"])]
Sku = Annotated[
    str, msgspec.Meta(min_length=1, max_length=64, pattern=r"^\S+$", examples=["DESK-1"])
]
Reference = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["SO-1001"])]
Amount = Quantity
"""Quantities and prices: a decimal string of the kit's strict grammar (``"12.50"``)."""
MoveKind = Literal["receipt", "delivery", "internal", "adjustment", "return", "supplier_return"]
"""Every kind of move: returns are made against a done delivery or receipt only."""
CreateKind = Literal["receipt", "delivery", "internal", "adjustment"]
"""The kinds ``POST /moves`` creates (returns go through ``POST /moves/{id}/return``)."""
