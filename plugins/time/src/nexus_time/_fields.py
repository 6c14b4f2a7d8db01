"""Field types the request bodies share."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

import msgspec
from nexus_hookspecs.http import decimal_meta

__all__ = ("Hours", "Latitude", "Longitude", "Name", "Note", "Pin", "Ref", "ZoneName")

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Ada Lovelace"])]
Note = Annotated[str, msgspec.Meta(max_length=1000)]
Ref = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["PRJ-42"])]
ZoneName = Annotated[
    str,
    msgspec.Meta(
        min_length=1,
        max_length=64,
        pattern=r"^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
        description="An IANA time zone.",
        examples=["Europe/London"],
    ),
]
Pin = Annotated[
    str, msgspec.Meta(pattern=r"^[0-9]{4,8}$", description="4 to 8 digits.", examples=["4821"])
]
Hours = Annotated[
    Decimal, decimal_meta(digits=2, places=2, description="Hours (0.01 to 24).", example="7.5")
]
Latitude = Annotated[
    Decimal, decimal_meta(digits=2, places=6, signed=True, description="Degrees.", example="51.5")
]
Longitude = Annotated[
    Decimal, decimal_meta(digits=3, places=6, signed=True, description="Degrees.", example="-0.12")
]
