"""Cursor pagination: opaque cursors over time-ordered ids, with a maximum page size."""

from __future__ import annotations

import base64
from typing import Annotated, Generic, TypeVar
from uuid import UUID

import msgspec
from litestar.exceptions import ValidationException
from litestar.params import QueryParameter

__all__ = ("MAX_LIMIT", "CursorParam", "LimitParam", "Page", "decode_cursor", "encode_cursor")

T = TypeVar("T")

DEFAULT_LIMIT = 50
MAX_LIMIT = 200

LimitParam = Annotated[
    int,
    QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT})."),
]
CursorParam = Annotated[
    str | None,
    QueryParameter(description="`next_cursor` of the previous page.", max_length=64),
]


class Page(msgspec.Struct, Generic[T]):
    """One page of a list.

    Attributes:
        items: The page's items, oldest first.
        next_cursor: Pass as ``cursor`` to get the next page; ``null`` on the last page.
    """

    items: list[T]
    next_cursor: str | None = None


def encode_cursor(last_id: UUID) -> str:
    """Make the cursor that continues after ``last_id``."""
    return base64.urlsafe_b64encode(last_id.bytes).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> UUID | None:
    """Read a cursor; raise a 422 validation problem when it is not one of ours."""
    if cursor is None:
        return None
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        return UUID(bytes=raw)
    except ValueError:
        raise ValidationException(
            "invalid cursor", extra=[{"key": "cursor", "message": "not a cursor of this list"}]
        ) from None
