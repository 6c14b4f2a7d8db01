"""Per-tenant settings of the Finance plugin, filled from the tenant's preset."""

from __future__ import annotations

from typing import Annotated, Literal

import msgspec

__all__ = ("FinanceSettings",)

Percent = Annotated[str, msgspec.Meta(pattern=r"^[0-9]{1,3}(\.[0-9]{1,4})?$")]
Country = Annotated[str, msgspec.Meta(pattern="^[A-Z]{2}$")]
TaxName = Annotated[str, msgspec.Meta(min_length=1, max_length=40)]
Locale = Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$")]


class FinanceSettings(msgspec.Struct, kw_only=True, frozen=True):
    """What a preset (or business profile) decides about a tenant's books.

    Attributes:
        base_currency: The company currency: reports convert every entry into it.
        country: The company's country (ISO 3166-1 alpha-2, from the business profile): it
            picks the default taxes seeded on first enable (see ``COUNTRY_TAXES``).
        chart_template: The chart of accounts seeded on first enable (``ifrs_generic``).
        fiscal_year_start_month: The month (1-12) fiscal years start in.
        sales_tax_rate: The rate of the seeded default sales tax, in percent (``"20.00"``),
            instead of the country's standard rate.
        purchase_tax_rate: The rate of the seeded default purchase tax, in percent; the
            sales tax rate when not given.
        tax_name: The name of the seeded taxes (``VAT``, ``GST``, ``Sales tax``…), instead
            of the country's.
        prices_include_tax: Whether the seeded taxes are included in prices.
        payment_terms_days: Days from invoice date to due date when none is given.
        tax_basis: When tax is recognised in the tax summary and tax returns: ``accrual``
            (on the document's date) or ``cash`` (in proportion to what is paid, on the
            payment's date).
        tax_rounding: ``per_line`` (each line's tax rounded) or ``per_document`` (the tax of
            each rate computed on the sum of the lines' nets and rounded once, then spread
            over the lines so they add up to it).
        locale: The language of the books (BCP 47, ``fr-FR``, from the business profile):
            money in messages is written the way it reads there; English when not given.
    """

    base_currency: Annotated[str, msgspec.Meta(pattern="^[A-Z]{3}$")] = "EUR"
    country: Country | None = None
    chart_template: Literal["ifrs_generic"] = "ifrs_generic"
    fiscal_year_start_month: Annotated[int, msgspec.Meta(ge=1, le=12)] = 1
    sales_tax_rate: Percent | None = None
    purchase_tax_rate: Percent | None = None
    tax_name: TaxName | None = None
    prices_include_tax: bool = False
    payment_terms_days: Annotated[int, msgspec.Meta(ge=0, le=365)] = 30
    tax_basis: Literal["accrual", "cash"] = "accrual"
    tax_rounding: Literal["per_line", "per_document"] = "per_line"
    locale: Locale | None = None
