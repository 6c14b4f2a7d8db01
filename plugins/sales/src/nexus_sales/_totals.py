"""A document's displayed totals, computed the way Finance books them.

Each line's net is quantity × unit price less its discount, rounded half up to the
currency's minor unit; each of its taxes is the net × rate, rounded half up per line (a tax
included in the price: the gross less the rounded net). The document's totals are the sums
of its lines. Finance rounds the same way (its ``per_line`` tax rounding, the default), so a
quotation shows what the invoice drafted from it will say.

A line whose ``tax_ids`` is null takes Finance's defaults when invoiced (the product's, else
the company's, then the customer's exemption or fiscal position); for display, it takes the
company's default sales tax as ``finance.taxes.list`` answers it (``default``, or tagged
``default``; none: untaxed).
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from uuid import UUID

    from nexus_sales._peers import Tax

__all__ = ("LineTotal", "line_total", "minor_unit", "quantize")

_ZERO = Decimal(0)
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


def _applied(tax_ids: Sequence[UUID] | None, taxes: Iterable[Tax]) -> list[Tax]:
    sales = [tax for tax in taxes if tax.active and tax.scope in ("sale", "all")]
    if tax_ids is None:
        return [tax for tax in sales if tax.default or "default" in tax.tags]
    wanted = set(tax_ids)
    return [tax for tax in taxes if tax.id in wanted]


def line_total(line: Any, currency: str, taxes: Iterable[Tax]) -> LineTotal:
    """The net and tax of ``line`` (its quantity, unit price, discount and tax ids)."""
    gross = quantize(
        Decimal(line["quantity"])
        * Decimal(line["unit_price"])
        * (_HUNDRED - Decimal(line["discount_percent"]))
        / _HUNDRED,
        currency,
    )
    net, tax_total = gross, _ZERO
    for tax in _applied(line["tax_ids"], taxes):
        if tax.price_include:
            included = gross - quantize(gross / (1 + tax.rate / _HUNDRED), currency)
            net -= included
            tax_total += included
        else:
            tax_total += quantize(gross * tax.rate / _HUNDRED, currency)
    return LineTotal(net, tax_total)
