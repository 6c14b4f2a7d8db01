"""Money: ``Decimal`` amounts in an ISO 4217 currency, rounded to the currency's minor unit."""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Annotated

import msgspec
import pycountry
from babel import Locale, UnknownLocaleError
from babel.numbers import format_currency
from nexus_hookspecs.http import Money, invalid

__all__ = (
    "MAX_AMOUNT",
    "Amount",
    "Currency",
    "is_amount",
    "is_currency",
    "minor_unit",
    "money_text",
    "plain",
    "quantize",
    "to_text",
)

# ISO 4217 minor units that are not 2 (pycountry knows the codes, not their exponents).
_MINOR_UNITS = {
    **dict.fromkeys(
        ("BIF", "CLP", "DJF", "GNF", "ISK", "JPY", "KMF", "KRW", "PYG", "RWF", "UGX", "UYI"),
        0,
    ),
    **dict.fromkeys(("VND", "VUV", "XAF", "XOF", "XPF"), 0),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    "CLF": 4,
    "UYW": 4,
}
# Funds, precious metals and testing codes are not money a ledger books.
_NOT_MONEY = frozenset(
    {"XAG", "XAU", "XBA", "XBB", "XBC", "XBD", "XDR", "XPD", "XPT", "XSU", "XTS", "XUA", "XXX"}
)

Currency = Annotated[
    str,
    msgspec.Meta(
        pattern="^[A-Z]{3}$",
        description="ISO 4217 currency code (upper case).",
        examples=["EUR"],
    ),
]
Amount = Money
"""A decimal amount, sent as a string of the kit's strict grammar (``"1250.00"``)."""


def is_currency(code: str) -> bool:
    """Whether ``code`` is an active ISO 4217 currency a ledger can book."""
    return code not in _NOT_MONEY and pycountry.currencies.get(alpha_3=code) is not None


def minor_unit(currency: str) -> int:
    """The number of decimals of ``currency`` (2 for most)."""
    return _MINOR_UNITS.get(currency, 2)


MAX_AMOUNT = Decimal(10) ** 15
"""Amounts (and products of quantity and price) must stay below this."""


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Round ``amount`` half up to the minor unit of ``currency``.

    Raises:
        ValidationException: 422 for a value that is not a number or is too large to book.
    """
    if not amount.is_finite() or abs(amount) >= MAX_AMOUNT:
        invalid("amount", f"amounts are numbers below {MAX_AMOUNT:,}")
    return amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), rounding=ROUND_HALF_UP)


def to_text(amount: Decimal, currency: str) -> str:
    """``amount`` as the API shows it: a string with the currency's decimals."""
    return str(quantize(amount, currency))


def plain(amount: Decimal) -> Decimal:
    """``amount`` without trailing zeros and without an exponent (``100``, ``2.5``)."""
    return amount.quantize(Decimal(1)) if amount == amount.to_integral() else amount.normalize()


def is_amount(amount: Decimal, currency: str) -> bool:
    """Whether ``amount`` is a positive number with at most the currency's decimals."""
    return amount.is_finite() and 0 < amount < MAX_AMOUNT and quantize(amount, currency) == amount


DEFAULT_LOCALE = "en"
"""The locale of money in messages when the tenant names none (or one Babel does not know)."""
# CLDR puts a space between a currency code and its digits ("KWD 1.250"); Babel does not.
_CODE_THEN_DIGIT = re.compile(r"(?<![A-Za-z])([A-Z]{3})(?=[0-9])")
_DIGIT_THEN_CODE = re.compile(r"(?<=[0-9])([A-Z]{3})(?![A-Za-z])")


def _locale(tag: str | None) -> Locale:
    try:
        return Locale.parse((tag or DEFAULT_LOCALE).replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return Locale.parse(DEFAULT_LOCALE)


def money_text(amount: Decimal, currency: str, locale: str | None = None) -> str:
    """``amount`` of ``currency`` as a person reads it, for messages: ``€120.00``, ``¥1,200``.

    Formatted by Babel in ``locale`` (a BCP 47 tag such as ``fr-FR``; English when none or
    unknown), with the currency's own decimals (``KWD 1.250``), never the stored
    ``120.000000``.
    """
    try:
        rounded = amount.quantize(Decimal(1).scaleb(-minor_unit(currency)), ROUND_HALF_UP)
    except InvalidOperation:  # not a number, or beyond any ledger: shown as it came
        return f"{amount} {currency}"
    text = format_currency(rounded, currency, locale=_locale(locale), decimal_quantization=False)
    text = _CODE_THEN_DIGIT.sub(r"\1 ", text)
    return _DIGIT_THEN_CODE.sub(r" \1", text)
