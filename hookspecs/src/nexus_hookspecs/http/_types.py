"""Field types every body shares: strict decimals and the two kinds of text.

The kernel decodes every JSON body strictly against the handler's type and applies these
rules while it does (a plugin declares the type; it writes no check of its own):

- a decimal field (:data:`Money`, :data:`Quantity`, :data:`Rate`, or any
  ``Annotated[Decimal, decimal_meta(...)]``) takes only a JSON string of plain digits, an
  optional ``.`` and decimals (``"1250.00"``, ``"0.5"``): no exponent, no ``_``, no spaces,
  no digits other than ASCII ones, no ``NaN``; a JSON number is refused too (a binary float
  is not money). The handler gets a :class:`~decimal.Decimal`.
- a text field takes no C0 control character, no DEL and no bidirectional override or
  isolate (U+202A–U+202E, U+2066–U+2069); only a :data:`Multiline` field takes tab, line
  feed and carriage return.

Example::

    class LineIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
        description: Annotated[str, msgspec.Meta(max_length=200)]
        notes: Annotated[Multiline, msgspec.Meta(max_length=4000)] = ""
        quantity: Quantity = Decimal(1)
        unit_price: Money
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Annotated, Any

import msgspec

__all__ = (
    "DECIMAL_GRAMMAR",
    "DECIMAL_KEY",
    "MULTILINE_KEY",
    "Money",
    "Multiline",
    "Quantity",
    "Rate",
    "decimal_error",
    "decimal_meta",
    "decimal_pattern",
    "text_error",
)

DECIMAL_GRAMMAR = r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$"
"""Every decimal the API takes: optional ``-``, digits without leading zeros, decimals."""

DECIMAL_KEY = "nexus_decimal"
"""The ``msgspec.Meta.extra`` key marking a strict decimal field (its value: the pattern)."""

MULTILINE_KEY = "nexus_multiline"
"""The ``msgspec.Meta.extra`` key marking a text field that may hold tabs and line breaks."""


def decimal_pattern(*, digits: int, places: int, signed: bool = False) -> str:
    """The pattern of a decimal with at most ``digits`` integer digits and ``places`` decimals.

    ``decimal_pattern(digits=3, places=2)`` matches ``"0"``, ``"999.99"``, not ``"1000"``.
    """
    sign = "-?" if signed else ""
    fraction = rf"(\.[0-9]{{1,{places}}})?" if places else ""
    return rf"^{sign}(0|[1-9][0-9]{{0,{digits - 1}}}){fraction}$"


def decimal_meta(
    *,
    digits: int,
    places: int,
    signed: bool = False,
    description: str = "",
    example: str = "1250.00",
) -> msgspec.Meta:
    """The ``msgspec.Meta`` of a strict decimal field, to put in ``Annotated[Decimal, …]``.

    Args:
        digits: Most integer digits.
        places: Most decimals.
        signed: Whether a leading ``-`` is allowed.
        description: Said in the OpenAPI schema, before the grammar.
        example: An example value, in the OpenAPI schema.
    """
    pattern = decimal_pattern(digits=digits, places=places, signed=signed)
    sign = "optional '-', " if signed else ""
    grammar = (
        f"A decimal sent as a JSON string: {sign}at most {digits} digits, then optionally '.' "
        f"and at most {places} decimals (no exponent, spaces or '_')."
    )
    return msgspec.Meta(
        description=f"{description} {grammar}".strip(),
        examples=[example],
        # Litestar copies ``extra`` of the JSON schema into the OpenAPI schema.
        extra_json_schema={"extra": {"pattern": pattern}},
        extra={DECIMAL_KEY: pattern},
    )


Money = Annotated[Decimal, decimal_meta(digits=15, places=6, description="An amount of money.")]
"""An amount, not negative: up to 15 digits and 6 decimals (the currency's own are checked
where the currency is known)."""

Quantity = Annotated[
    Decimal, decimal_meta(digits=12, places=6, description="A quantity.", example="2.5")
]
"""A quantity, not negative: up to 12 digits and 6 decimals."""

Rate = Annotated[
    Decimal, decimal_meta(digits=14, places=10, description="A rate.", example="1.0825")
]
"""A rate (tax percent, exchange rate), not negative: up to 14 digits and 10 decimals."""

Multiline = Annotated[str, msgspec.Meta(extra={MULTILINE_KEY: True})]
"""Text that may hold tabs and line breaks (notes, descriptions); add your own ``Meta``."""

_SINGLE_LINE = re.compile(r"[\x00-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_MULTI_LINE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")


def text_error(value: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``value`` as text (``None`` when nothing is).

    Args:
        value: The text.
        multiline: Whether tabs and line breaks are allowed.
    """
    found = (_MULTI_LINE if multiline else _SINGLE_LINE).search(value)
    if found is None:
        return None
    return f"must not contain the control or bidirectional character U+{ord(found.group()):04X}"


def decimal_error(value: Any, pattern: str) -> str | None:
    """What is wrong with ``value`` as a strict decimal of ``pattern`` (``None``: nothing)."""
    if isinstance(value, str) and re.fullmatch(pattern, value):
        return None
    return f"a decimal as a JSON string matching {pattern}"
