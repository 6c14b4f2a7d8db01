"""A line's amounts: Finance's pricing, or the net alone when Finance is off.

With Finance on, a quotation's and an order's lines are priced by Finance
(``finance.documents.preview``: what the invoice will bill, taxes included). With Finance
off, a line is untaxed and its net is quantity × unit price less its discount, rounded half
up to the currency's minor unit — how Finance rounds a line's net.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

__all__ = ("LineTotal", "line_net", "minor_unit", "quantize")

_HUNDRED = Decimal(100)
# ISO 4217 minor units that are not 2.
_MINOR_UNITS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "VND"),
        0,
    ),
    **dict.fromkeys(("VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
}


def minor_unit(currency: str) -> int:
    """Decimals of ``currency`` (2 unless ISO 4217 says otherwise)."""
    return _MINOR_UNITS.get(currency, 2)


def quantize(amount: Decimal, currency: str) -> Decimal:
    """``amount`` rounded half up to ``currency``'s minor unit."""
    return amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_UP)


class LineTotal:
    """A line's net (subtotal) and tax."""

    __slots__ = ("subtotal", "tax")

    def __init__(self, subtotal: Decimal, tax: Decimal) -> None:
        self.subtotal = subtotal
        self.tax = tax


def line_net(line: Any, currency: str) -> Decimal:
    """The net of ``line`` (its quantity, unit price and discount), rounded to ``currency``."""
    return quantize(
        Decimal(line["quantity"])
        * Decimal(line["unit_price"])
        * (_HUNDRED - Decimal(line["discount_percent"]))
        / _HUNDRED,
        currency,
    )
