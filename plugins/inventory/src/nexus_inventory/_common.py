"""Shared helpers: problems, decimals and cursor pages."""

from __future__ import annotations

import base64
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, Generic, TypeVar
from uuid import UUID

import msgspec
import uuid_utils
from litestar.exceptions import ClientException, NotFoundException, ValidationException
from litestar.params import QueryParameter

__all__ = (
    "MAX_LIMIT",
    "Conflict",
    "CursorParam",
    "LimitParam",
    "Page",
    "after_cursor",
    "invalid",
    "money",
    "new_id",
    "not_found",
    "page_of",
    "positive",
    "qty",
)

T = TypeVar("T")

MAX_LIMIT = 200
LimitParam = Annotated[
    int, QueryParameter(ge=1, le=MAX_LIMIT, description=f"Page size (at most {MAX_LIMIT}).")
]
CursorParam = Annotated[
    str | None, QueryParameter(description="`next_cursor` of the previous page.", max_length=64)
]
_CENT = Decimal("0.01")
_MICRO = Decimal("0.000001")
MAX_QUANTITY = Decimal("1e13")


class Conflict(ClientException):
    """A 409 problem: the request conflicts with the current state (``extra`` adds members)."""

    status_code = 409


class Page(msgspec.Struct, Generic[T]):
    """One page of a list.

    Attributes:
        items: The page's items, oldest first.
        next_cursor: Pass as ``cursor`` for the next page; ``null`` on the last page.
    """

    items: list[T]
    next_cursor: str | None = None


def new_id() -> UUID:
    """A time-ordered id (UUIDv7)."""
    return UUID(str(uuid_utils.uuid7()))


def after_cursor(cursor: str | None) -> UUID | None:
    """The id a cursor continues after; a 422 problem when it is not one of ours."""
    if cursor is None:
        return None
    try:
        return UUID(bytes=base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except ValueError:
        raise invalid("cursor", "not a cursor of this list") from None


def page_of(items: list[T], limit: int, key: Any = None) -> Page[T]:
    """Cut ``limit + 1`` fetched items into a page with the cursor after its last item."""
    if len(items) <= limit:
        return Page(items=items)
    items = items[:limit]
    last = key(items[-1]) if key else items[-1].id  # type: ignore[attr-defined]
    return Page(items=items, next_cursor=base64.urlsafe_b64encode(last.bytes).decode().rstrip("="))


def invalid(field: str, message: str) -> ValidationException:
    """A 422 problem naming one field."""
    return ValidationException(
        f"{field}: {message}", extra=[{"key": field, "message": message, "source": "body"}]
    )


def not_found() -> NotFoundException:
    """A 404 problem (another tenant's resource answers the same)."""
    return NotFoundException()


def positive(field: str, value: Decimal | None, *, zero: bool = False) -> Decimal:
    """Check a quantity or price: finite, positive (or zero when allowed), not too large."""
    if value is None:
        raise invalid(field, "required")
    try:
        ok = value.is_finite() and (value >= 0 if zero else value > 0) and value < MAX_QUANTITY
        ok = ok and -value.as_tuple().exponent <= 6  # type: ignore[operator]
    except (InvalidOperation, TypeError):
        ok = False
    if not ok:
        bound = "zero or more" if zero else "more than zero"
        raise invalid(field, f"must be a decimal {bound}, below 1e13, at most 6 decimal places")
    return value


def qty(value: Decimal) -> str:
    """A quantity as JSON shows it: no trailing zeros, never an exponent."""
    text = format(value.quantize(_MICRO).normalize(), "f")
    return "0" if text in ("-0", "") else text


def money(value: Decimal) -> str:
    """A money amount rounded to cents, as a string (``"12.50"``)."""
    return str(value.quantize(_CENT))
