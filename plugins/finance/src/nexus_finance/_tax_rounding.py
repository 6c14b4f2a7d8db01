"""The tax of a document's lines, rounded per line or once per document and tax.

``per_line`` (the default, and what Odoo calls "round per line"): each line's tax is its
net amount × rate, rounded. ``per_document`` ("round globally"): the tax of each tax is
computed on the sum of the nets of its lines and rounded once; the lines then share that
amount, each its rounded part, the cents left over going to the lines whose parts were
rounded furthest, so the lines add up to the document's tax exactly and the posted entry,
which sums the lines, agrees with the totals.

A tax included in prices works the same way on the gross amounts: the net is the gross
less the tax.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from typing import Any, Literal

from nexus_finance._money import minor_unit, quantize

__all__ = ("TaxRounding", "line_taxes")

TaxRounding = Literal["per_line", "per_document"]
_ZERO = Decimal(0)
_HUNDRED = Decimal(100)


def _raw_tax(amount: Decimal, tax: dict[str, Any]) -> Decimal:
    """The unrounded tax in ``amount`` (a net, or a gross when the tax is included)."""
    rate: Decimal = tax["rate"] / _HUNDRED
    if tax["price_include"]:
        return amount - amount / (1 + rate)
    return amount * rate


def _rounded_tax(amount: Decimal, tax: dict[str, Any], currency: str) -> Decimal:
    """The tax in ``amount``, rounded; an included tax is what is left of the rounded net."""
    if tax["price_include"]:
        return amount - quantize(amount / (1 + tax["rate"] / _HUNDRED), currency)
    return quantize(amount * tax["rate"] / _HUNDRED, currency)


def _split(parts: list[Decimal], total: Decimal, currency: str) -> list[Decimal]:
    """Round each of ``parts`` so that they add up to ``total`` (largest remainders first)."""
    rounded = [quantize(part, currency) for part in parts]
    unit = Decimal(1).scaleb(-minor_unit(currency))
    left = total - sum(rounded, _ZERO)
    step = unit if left > 0 else -unit
    # The parts rounded furthest away from the direction the total needs move first.
    order = sorted(
        range(len(parts)),
        key=lambda i: (parts[i] - rounded[i]) * (1 if left > 0 else -1),
        reverse=True,
    )
    index = 0
    while left and order:
        rounded[order[index % len(order)]] += step
        left -= step
        index += 1
    return rounded


def line_taxes(
    lines: list[tuple[Decimal, dict[str, Any] | None]], currency: str, rounding: TaxRounding
) -> list[tuple[Decimal, Decimal]]:
    """Each line's (subtotal, tax) from its amount and tax (``rate``, ``price_include``).

    ``amount`` is the line's rounded net — its gross when its tax is included in prices.
    """
    taxes: list[Decimal] = [_ZERO] * len(lines)
    if rounding == "per_line":
        for index, (amount, tax) in enumerate(lines):
            if tax is not None:
                taxes[index] = _rounded_tax(amount, tax, currency)
    else:
        groups: dict[Any, list[int]] = defaultdict(list)
        for index, (_, tax) in enumerate(lines):
            if tax is not None:
                groups[tax["id"]].append(index)
        for indexes in groups.values():
            tax = lines[indexes[0]][1]
            assert tax is not None
            raw = [_raw_tax(lines[i][0], tax) for i in indexes]
            total = _rounded_tax(sum((lines[i][0] for i in indexes), _ZERO), tax, currency)
            for i, part in zip(indexes, _split(raw, total, currency), strict=True):
                taxes[i] = part
    result = []
    for (amount, tax), tax_amount in zip(lines, taxes, strict=True):
        included = tax is not None and tax["price_include"]
        result.append((amount - tax_amount if included else amount, tax_amount))
    return result
