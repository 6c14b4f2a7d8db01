"""Field types the request bodies and query parameters share."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar.params import QueryParameter

__all__ = (
    "Code",
    "Country",
    "Currency",
    "CurrencyQuery",
    "Email",
    "Line",
    "Name",
    "Phone",
    "SearchQuery",
    "Slug",
)

Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Line = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Phone = Annotated[str, msgspec.Meta(pattern=r"^\+[1-9][0-9]{6,14}$")]
Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$", examples=["NG"])]
Currency = Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$", examples=["NGN"])]
Code = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z0-9_-]{2,40}$", examples=["WELCOME10"])]
Slug = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9]+(-[a-z0-9]+)*$", max_length=100)]
SearchQuery = Annotated[
    str, QueryParameter(min_length=1, max_length=200, description="Words to look for.")
]
CurrencyQuery = Annotated[
    str | None,
    QueryParameter(
        pattern="^[A-Z]{3}$",
        description="Prices in this currency's default price list (the shop's by default).",
    ),
]
