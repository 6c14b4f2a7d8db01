"""Report tags of taxes: what a tax return reads, and which tags change what a document charges.

A tax's ``tags`` say how a tax return treats what it is applied to (UK VAT return boxes 2, 8
and 9, a country plugin's own boxes). Two of them also change the document: a tax tagged
``reverse_charge`` or ``eu_goods_acquisition`` charges nothing on the document (the supplier
does not charge it); on a purchase, the buyer self-assesses it at the tax's rate — due and
reclaimed in the same return — and the tax reports show that amount.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import msgspec

if TYPE_CHECKING:
    from collections.abc import Iterable

__all__ = ("KNOWN_TAGS", "SELF_ASSESSED", "Tag", "Tags", "normal_tags", "self_assessed")

Tag = Annotated[
    str,
    msgspec.Meta(
        pattern=r"^[a-z][a-z0-9_]{0,39}$",
        description="A report tag: lower case letters, digits and `_`.",
        examples=["reverse_charge"],
    ),
]
Tags = Annotated[list[Tag], msgspec.Meta(max_length=20)]

KNOWN_TAGS = {
    "reverse_charge": "the buyer accounts for the tax (the document charges none; on a "
    "purchase it is self-assessed: due and reclaimed)",
    "eu_goods_supply": "supplies of goods to customers in EU member states (zero-rated)",
    "eu_goods_acquisition": "acquisitions of goods from EU member states (self-assessed as "
    "reverse_charge)",
    "zero_rated": "taxable at 0 %",
    "exempt": "exempt from the tax",
    "outside_scope": "outside the scope of the tax",
}
"""The tags Finance's own reports read; any other tag is kept for a country plugin."""

SELF_ASSESSED = frozenset({"reverse_charge", "eu_goods_acquisition"})
"""A tax with one of these tags charges nothing on the document."""


def self_assessed(tags: Iterable[str] | None) -> bool:
    """Whether a tax with ``tags`` charges nothing on the document (the buyer accounts for it)."""
    return bool(SELF_ASSESSED.intersection(tags or ()))


def normal_tags(tags: Iterable[str]) -> list[str]:
    """``tags`` without duplicates, in their order."""
    return list(dict.fromkeys(tags))
