"""Which currencies each provider settles, and how each counts its amounts.

From the providers' documentation: Paystack charges in NGN, GHS, ZAR, KES, USD (and XOF,
EGP, RWF where enabled) in subunits (kobo, pesewas, cents); Flutterwave in major units across
its African and international currencies; Stripe in the smallest unit of 135+ currencies
(zero-decimal ones such as JPY or XOF count whole units). An account may narrow its list.
"""

from __future__ import annotations

from decimal import Decimal

__all__ = ("METHODS", "SUPPORTED", "from_minor", "plain", "supports", "to_minor")

_STRIPE = frozenset(
    (
        "USD",
        "EUR",
        "GBP",
        "CAD",
        "AUD",
        "NZD",
        "CHF",
        "SEK",
        "NOK",
        "DKK",
        "PLN",
        "CZK",
        "HUF",
        "RON",
        "BGN",
        "JPY",
        "SGD",
        "HKD",
        "INR",
        "MXN",
        "BRL",
        "ZAR",
        "NGN",
        "KES",
        "GHS",
        "EGP",
        "MAD",
        "AED",
        "SAR",
        "ILS",
        "TRY",
        "THB",
        "MYR",
        "PHP",
        "IDR",
        "XOF",
        "XAF",
        "UGX",
        "TZS",
        "RWF",
    )
)
_PAYSTACK = frozenset(
    (
        "NGN",
        "GHS",
        "ZAR",
        "KES",
        "USD",
        "XOF",
        "EGP",
        "RWF",
    )
)
_FLUTTERWAVE = frozenset(
    (
        "NGN",
        "GHS",
        "KES",
        "ZAR",
        "UGX",
        "TZS",
        "RWF",
        "XAF",
        "XOF",
        "ZMW",
        "MWK",
        "EGP",
        "MAD",
        "ETB",
        "USD",
        "EUR",
        "GBP",
        "CAD",
    )
)
SUPPORTED: dict[str, frozenset[str]] = {
    "stripe": _STRIPE,
    "paystack": _PAYSTACK,
    "flutterwave": _FLUTTERWAVE,
}
"""The currencies each provider can charge in."""

METHODS: dict[str, frozenset[str]] = {
    "stripe": frozenset(("card",)),
    "paystack": frozenset(("card", "bank_transfer", "mobile_money")),
    "flutterwave": frozenset(("card", "bank_transfer", "mobile_money")),
}
"""The payment methods each provider's hosted page offers through this port (Stripe's
Checkout takes cards here: its bank transfers need a Stripe customer, and it has no African
mobile money)."""

# Stripe's zero-decimal currencies among those above (amounts in whole units).
_ZERO_DECIMAL = frozenset(
    (
        "JPY",
        "XOF",
        "XAF",
        "UGX",
        "RWF",
    )
)


def supports(provider: str, currency: str, narrowed: list[str] | None = None) -> bool:
    """Whether ``provider`` (an account limited to ``narrowed``, if given) takes ``currency``."""
    if currency not in SUPPORTED[provider]:
        return False
    return not narrowed or currency in narrowed


def _exponent(provider: str, currency: str) -> int:
    if provider == "flutterwave":
        return 0
    if provider == "stripe" and currency in _ZERO_DECIMAL:
        return 0
    return 2


def to_minor(provider: str, amount: Decimal, currency: str) -> int:
    """``amount`` in ``provider``'s integer unit (Flutterwave takes decimals as they are).

    Raises:
        ValueError: ``amount`` has more decimals than the provider can charge.
    """
    scaled = amount.scaleb(_exponent(provider, currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimals than {provider} charges")
    return int(scaled)


def from_minor(provider: str, value: int | float | str | Decimal, currency: str) -> Decimal:
    """The provider's amount ``value`` as a Decimal in major units."""
    return Decimal(str(value)).scaleb(-_exponent(provider, currency))


def plain(amount: Decimal) -> Decimal:
    """``amount`` without trailing zeros and never in exponent form (``250``, ``3.9``)."""
    normal = amount.normalize()
    exponent = normal.as_tuple().exponent
    return normal.quantize(Decimal(1)) if isinstance(exponent, int) and exponent > 0 else normal
