"""The UK VAT return (boxes 1 to 9), registered through Finance's own ``finance_tax_returns``.

The boxes follow HMRC's definitions (VAT Notice 700/12), from the tax summary:

1. VAT due on sales and other outputs: output tax, plus the VAT the company self-assesses
   on reverse-charge purchases other than acquisitions of goods from the EU (services
   bought from abroad, the domestic reverse charge).
2. VAT due on acquisitions of goods from EU member states: the self-assessed VAT of taxes
   tagged ``eu_goods_acquisition``.
3. Box 1 + box 2.
4. VAT reclaimed on purchases and other inputs, self-assessed (acquisition and reverse
   charge) VAT included.
5. The net VAT to pay or reclaim: |box 3 - box 4|.
6. Total value of sales and all other outputs excluding VAT (zero-rated, exempt, untaxed
   and EU supplies included).
7. Total value of purchases and all other inputs excluding VAT.
8. Total value of supplies of goods to EU member states, excluding VAT: the net of lines
   taxed with a tax tagged ``eu_goods_supply``.
9. Total value of acquisitions of goods from EU member states, excluding VAT: the net of
   lines taxed with a tax tagged ``eu_goods_acquisition``.

Boxes 1 to 5 are in pounds and pence. Boxes 6 to 9 are whole pounds, as HMRC asks: the
pence are left out (rounded towards zero, so 1 234.99 is 1 234 and -10.50 is -10).
Credit notes count negative in every box.
"""

from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from nexus_finance.hooks import Box, TaxReturn, hookimpl

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_finance.hooks import TaxSummary

__all__ = ("UK_VAT", "boxes", "finance_tax_returns")

_PENCE = Decimal("0.01")
_POUND = Decimal(1)


def _pence(amount: Decimal) -> Decimal:
    return amount.quantize(_PENCE, rounding=ROUND_HALF_UP)


def _pounds(amount: Decimal) -> Decimal:
    return amount.quantize(_POUND, rounding=ROUND_DOWN)


def boxes(summary: TaxSummary) -> list[Box]:
    """The nine boxes of the UK VAT return from the tax summary."""
    acquisitions = summary.tax(scope="purchase", tag="eu_goods_acquisition", self_assessed=True)
    reverse_charged = summary.tax(scope="purchase", self_assessed=True) - acquisitions
    box1 = _pence(summary.tax(scope="sale") + reverse_charged)
    box2 = _pence(acquisitions)
    box3 = box1 + box2
    box4 = _pence(summary.tax(scope="purchase"))
    return [
        Box("1", "VAT due on sales and other outputs", box1),
        Box("2", "VAT due on acquisitions of goods from EU member states", box2),
        Box("3", "Total VAT due (box 1 + box 2)", box3),
        Box("4", "VAT reclaimed on purchases and other inputs", box4),
        Box(
            "5",
            "Net VAT to pay to HMRC or reclaim (difference of box 3 and box 4)",
            abs(box3 - box4),
        ),
        Box(
            "6",
            "Total value of sales and all other outputs excluding any VAT",
            _pounds(summary.base(scope="sale")),
        ),
        Box(
            "7",
            "Total value of purchases and all other inputs excluding any VAT",
            _pounds(summary.base(scope="purchase")),
        ),
        Box(
            "8",
            "Total value of supplies of goods to EU member states, excluding VAT",
            _pounds(summary.base(scope="sale", tag="eu_goods_supply")),
        ),
        Box(
            "9",
            "Total value of acquisitions of goods from EU member states, excluding VAT",
            _pounds(summary.base(scope="purchase", tag="eu_goods_acquisition")),
        ),
    ]


UK_VAT = TaxReturn(
    key="gb_vat",
    country="GB",
    title="VAT return (United Kingdom)",
    description="HMRC's VAT return, boxes 1 to 9. Boxes 1-5 in pounds and pence; boxes 6-9 "
    "in whole pounds, pence left out. Reverse-charge and EU acquisition VAT is self-assessed "
    "(boxes 1 or 2, and 4); EU supplies and acquisitions go by the tax tags eu_goods_supply "
    "and eu_goods_acquisition.",
    boxes=boxes,
    currency="GBP",
)


@hookimpl
def finance_tax_returns(register: Callable[[TaxReturn], None]) -> None:
    """Finance's own UK VAT return."""
    register(UK_VAT)
