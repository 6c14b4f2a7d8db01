"""Field types the request bodies share."""

from __future__ import annotations

from typing import Annotated

import msgspec
from nexus_hookspecs.http import Multiline

__all__ = ("Body", "Email", "Name", "Subject", "Tag", "Tier")

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[Multiline, msgspec.Meta(min_length=1, max_length=20_000)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Tag = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Tier = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]
