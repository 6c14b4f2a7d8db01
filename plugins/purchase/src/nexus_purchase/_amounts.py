"""Quantities and money: the strings the API shows them as."""

from __future__ import annotations

from decimal import Decimal

__all__ = ("MAX_AMOUNT", "dec")

_MICRO = Decimal("0.000001")
MAX_AMOUNT = Decimal("1e13")
"""Quantities and prices stay below this (the columns hold 14 digits before the point)."""


def dec(value: Decimal | int | str) -> str:
    """A decimal as JSON shows it: no trailing zeros, never an exponent."""
    text = format(Decimal(value).quantize(_MICRO).normalize(), "f")
    return "0" if text in ("-0", "") else text
