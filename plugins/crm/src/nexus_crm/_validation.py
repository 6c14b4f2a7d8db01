"""Field checks the schema cannot express: email, phone, country, currency, money.

Each check returns the normalised value, or records a field error; :class:`Errors` (the
kit's :class:`~nexus_hookspecs.http.FieldErrors` with these checks) turns the errors into
one 422 problem naming every failing field.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import phonenumbers
import pycountry
from babel.numbers import get_currency_precision
from email_validator import EmailNotValidError, validate_email
from nexus_hookspecs.http import FieldErrors

__all__ = (
    "Errors",
    "check_country",
    "check_currency",
    "currency_places",
    "money_text",
)

_DOMAIN = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$")


def check_currency(code: str) -> str | None:
    """The upper-cased ISO 4217 code, or ``None`` when ``code`` is not one."""
    upper = code.strip().upper()
    if len(upper) != 3 or pycountry.currencies.get(alpha_3=upper) is None:
        return None
    return upper


def check_country(code: str) -> str | None:
    """The upper-cased ISO 3166-1 alpha-2 code, or ``None`` when ``code`` is not one."""
    upper = code.strip().upper()
    if len(upper) != 2 or pycountry.countries.get(alpha_2=upper) is None:
        return None
    return upper


def currency_places(currency: str) -> int:
    """Decimal places of the currency's minor unit (2 for EUR, 0 for JPY, 3 for KWD)."""
    return int(get_currency_precision(currency))


def money_text(amount: Decimal, currency: str) -> str:
    """``amount`` as the contracts carry money: a decimal string at the currency's precision."""
    return str(amount.quantize(Decimal(1).scaleb(-currency_places(currency))))


class Errors(FieldErrors):
    """Collects body field errors; ``raise_if_any()`` answers them as one 422 problem."""

    __slots__ = ()

    def email(self, key: str, value: str | None) -> str | None:
        """A normalised email address (domain lower-cased), without DNS look-ups."""
        if value is None or not value.strip():
            return None
        try:
            return str(validate_email(value.strip(), check_deliverability=False).normalized)
        except EmailNotValidError as exc:
            self.add(key, f"not a valid email address: {exc}")
            return None

    def phone(self, key: str, value: str | None, region: str | None) -> str | None:
        """The phone number in E.164, read with ``region`` when it has no ``+`` prefix."""
        if value is None or not value.strip():
            return None
        try:
            number = phonenumbers.parse(value, region)
        except phonenumbers.NumberParseException:
            hint = "" if region else " (write it with its +country code)"
            self.add(key, f"not a phone number{hint}")
            return None
        if not phonenumbers.is_valid_number(number):
            self.add(key, "not a valid phone number for its country")
            return None
        return str(phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164))

    def country(self, key: str, value: str | None) -> str | None:
        """An ISO 3166-1 alpha-2 country code, upper-cased."""
        if value is None or not value.strip():
            return None
        country = check_country(value)
        if country is None:
            self.add(key, "not an ISO 3166-1 alpha-2 country code")
        return country

    def currency(self, key: str, value: str) -> str:
        """An ISO 4217 currency code, upper-cased."""
        currency = check_currency(value)
        if currency is None:
            self.add(key, "not an ISO 4217 currency code")
            return value
        return currency

    def domain(self, key: str, value: str | None) -> str | None:
        """A DNS domain name, lower-cased, without scheme or path."""
        if value is None or not value.strip():
            return None
        domain = value.strip().lower().rstrip(".")
        if domain.startswith("www."):
            domain = domain[4:]
        if not _DOMAIN.match(domain):
            self.add(key, "not a domain name (example.com)")
        return domain

    def money(self, key: str, value: str, currency: str | None) -> Decimal:
        """A decimal amount with no more places than the currency's minor unit."""
        try:
            amount = Decimal(value)
        except InvalidOperation:
            self.add(key, "not a decimal number")
            return Decimal(0)
        if not amount.is_finite():
            self.add(key, "not a finite number")
            return Decimal(0)
        if abs(amount) >= Decimal("1e15"):
            self.add(key, "too large")
            return Decimal(0)
        if currency is not None and check_currency(currency):
            places = currency_places(currency)
            exponent = amount.as_tuple().exponent
            if isinstance(exponent, int) and -exponent > places:
                self.add(key, f"{currency} has {places} decimal places")
                return amount
            return amount.quantize(Decimal(1).scaleb(-places))
        return amount

    def quantity(self, key: str, value: str) -> Decimal:
        """A positive decimal quantity (at most 6 places)."""
        try:
            quantity = Decimal(value)
        except InvalidOperation:
            self.add(key, "not a decimal number")
            return Decimal(1)
        if not quantity.is_finite() or quantity <= 0 or quantity >= Decimal("1e12"):
            self.add(key, "must be a positive number")
            return Decimal(1)
        exponent = quantity.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -6:
            self.add(key, "at most 6 decimal places")
        return quantity
