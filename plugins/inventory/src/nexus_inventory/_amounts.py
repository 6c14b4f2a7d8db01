"""Quantities and money: the checks and the strings the API shows them as."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexus_hookspecs.http import FieldErrors

__all__ = ("MAX_QUANTITY", "money", "positive", "qty")

_CENT = Decimal("0.01")
_MICRO = Decimal("0.000001")
MAX_QUANTITY = Decimal("1e13")
"""Quantities and prices stay below this (the columns hold 14 digits before the point)."""


def positive(errors: FieldErrors, key: str, value: Decimal | None, *, zero: bool = False) -> None:
    """Check a quantity or price: finite, positive (or zero when allowed), not too large.

    A failing value is recorded in ``errors`` under ``key``, so a request reports every
    failing amount at once.
    """
    if value is None:
        errors.add(key, "required")
        return
    try:
        ok = value.is_finite() and (value >= 0 if zero else value > 0) and value < MAX_QUANTITY
        ok = ok and -value.as_tuple().exponent <= 6  # type: ignore[operator]
    except (InvalidOperation, TypeError):
        ok = False
    if not ok:
        bound = "zero or more" if zero else "more than zero"
        errors.add(key, f"must be a decimal {bound}, below 1e13, at most 6 decimal places")


def qty(value: Decimal) -> str:
    """A quantity as JSON shows it: no trailing zeros, never an exponent."""
    text = format(value.quantize(_MICRO).normalize(), "f")
    return "0" if text in ("-0", "") else text


def money(value: Decimal) -> str:
    """A money amount rounded to cents, as a string (``"12.50"``)."""
    return str(value.quantize(_CENT))
