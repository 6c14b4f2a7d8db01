"""Constrained field types that several resources' bodies share."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = (
    "ContractType",
    "Country",
    "Currency",
    "Email",
    "Name",
    "Reason",
    "TimeZone",
    "WageType",
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, examples=["Ada Lovelace"])]
Email = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254, examples=["ada@example.com"]
    ),
]
Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$", examples=["GB"])]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", examples=["EUR"])]
TimeZone = Annotated[str, msgspec.Meta(min_length=1, max_length=64, examples=["Europe/London"])]
Reason = Annotated[str, msgspec.Meta(min_length=1, max_length=500, examples=["Resigned"])]
ContractType = Literal["permanent", "fixed_term", "contractor", "intern"]
WageType = Literal["monthly", "hourly"]
