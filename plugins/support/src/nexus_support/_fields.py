"""Field types the request bodies share."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar.params import QueryParameter
from nexus_hookspecs.http import Multiline

__all__ = (
    "AgentFilter",
    "ArticleStatus",
    "Body",
    "Email",
    "Instant",
    "Name",
    "SearchQuery",
    "Since",
    "StatusFilter",
    "Subject",
    "Tag",
    "TagFilter",
    "Tier",
    "Until",
)

Subject = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Body = Annotated[Multiline, msgspec.Meta(min_length=1, max_length=20_000)]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]
Tag = Annotated[str, msgspec.Meta(pattern=r"^[a-z0-9][a-z0-9_-]{0,39}$")]
Tier = Annotated[str, msgspec.Meta(pattern=r"^[a-z][a-z0-9_]{0,39}$")]

StatusFilter = Annotated[
    Literal["new", "open", "pending", "solved", "merged"] | None,
    QueryParameter(description="Only tickets in this status."),
]
AgentFilter = Annotated[UUID | None, QueryParameter(description="Only this agent's tickets.")]
TagFilter = Annotated[
    str | None, QueryParameter(description="Only tickets with this tag.", max_length=40)
]
ArticleStatus = Annotated[
    Literal["draft", "published"] | None,
    QueryParameter(description="Only articles in this status."),
]
Instant = Annotated[
    datetime | None,
    QueryParameter(description="The instant to measure at, with its offset (default: now)."),
]
Since = Annotated[
    datetime | None, QueryParameter(description="From this instant (with its offset) on.")
]
Until = Annotated[
    datetime | None, QueryParameter(description="Before this instant (with its offset).")
]
SearchQuery = Annotated[
    str,
    QueryParameter(
        description='Words to find; web-search syntax (`"a phrase"`, `or`, `-word`).',
        min_length=1,
        max_length=200,
    ),
]
