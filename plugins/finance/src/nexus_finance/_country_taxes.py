"""The default sales tax of a country: what Finance seeds for a new tenant's books.

A tenant's books start with the standard rate of its country's value-added or goods and
services tax, as a sales and a purchase tax. Only the standard rate is seeded: reduced
rates, exemptions and reverse charge depend on what is sold and to whom, and are added with
``POST /api/v1/finance/taxes``.

Where sales tax is levied below the national level (the United States, Canada) or by a
rate that depends on the goods (Brazil, India), no rate would be right for most tenants,
so none is seeded; neither is one for a country missing from the table. An invoice without
a tax is visibly untaxed, where a guessed rate would be silently wrong on every document.
"""

from __future__ import annotations

import msgspec

__all__ = (
    "COUNTRY_TAXES",
    "EU_MEMBERS",
    "NO_NATIONAL_RATE",
    "CountryTax",
    "SeedTax",
    "default_taxes",
)


class CountryTax(msgspec.Struct, frozen=True, kw_only=True):
    """A country's standard sales tax.

    Attributes:
        name: What the tax is called on that country's invoices (``VAT``, ``TVA``, ``USt``).
        rate: The standard rate in percent, as a decimal string (``"19"``).
    """

    name: str
    rate: str


# Standard rates in force at the end of 2025. Keep the table in step with
# plugins/finance/README.md. Changes during 2025: Estonia 22 → 24 % (1 July), Romania
# 19 → 21 % (1 August), Slovakia 20 → 23 % (1 January). Ghana's 15 % is the VAT alone:
# the NHIL and GETFund levies (2.5 % each) are charged on top and are not included; add
# them as taxes of their own where they apply.
COUNTRY_TAXES: dict[str, CountryTax] = {
    "AE": CountryTax(name="VAT", rate="5"),
    "AT": CountryTax(name="USt", rate="20"),
    "AU": CountryTax(name="GST", rate="10"),
    "BE": CountryTax(name="BTW", rate="21"),
    "BG": CountryTax(name="DDS", rate="20"),
    "CH": CountryTax(name="MWST", rate="8.1"),
    "CY": CountryTax(name="VAT", rate="19"),
    "CZ": CountryTax(name="DPH", rate="21"),
    "DE": CountryTax(name="USt", rate="19"),
    "DK": CountryTax(name="Moms", rate="25"),
    "EE": CountryTax(name="KM", rate="24"),
    "EG": CountryTax(name="VAT", rate="14"),
    "ES": CountryTax(name="IVA", rate="21"),
    "FI": CountryTax(name="ALV", rate="25.5"),
    "FR": CountryTax(name="TVA", rate="20"),
    "GB": CountryTax(name="VAT", rate="20"),
    "GH": CountryTax(name="VAT", rate="15"),
    "GR": CountryTax(name="FPA", rate="24"),
    "HR": CountryTax(name="PDV", rate="25"),
    "HU": CountryTax(name="AFA", rate="27"),
    "IE": CountryTax(name="VAT", rate="23"),
    "IT": CountryTax(name="IVA", rate="22"),
    "JP": CountryTax(name="Consumption tax", rate="10"),
    "KE": CountryTax(name="VAT", rate="16"),
    "LT": CountryTax(name="PVM", rate="21"),
    "LU": CountryTax(name="TVA", rate="17"),
    "LV": CountryTax(name="PVN", rate="21"),
    "MT": CountryTax(name="VAT", rate="18"),
    "MX": CountryTax(name="IVA", rate="16"),
    "NG": CountryTax(name="VAT", rate="7.5"),
    "NL": CountryTax(name="BTW", rate="21"),
    "NO": CountryTax(name="MVA", rate="25"),
    "NZ": CountryTax(name="GST", rate="15"),
    "PL": CountryTax(name="VAT", rate="23"),
    "PT": CountryTax(name="IVA", rate="23"),
    "RO": CountryTax(name="TVA", rate="21"),
    "SA": CountryTax(name="VAT", rate="15"),
    "SE": CountryTax(name="Moms", rate="25"),
    "SG": CountryTax(name="GST", rate="9"),
    "SI": CountryTax(name="DDV", rate="22"),
    "SK": CountryTax(name="DPH", rate="23"),
    "ZA": CountryTax(name="VAT", rate="15"),
}
"""Standard sales tax by ISO 3166-1 alpha-2 country code."""

EU_MEMBERS: frozenset[str] = frozenset(
    {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
)
"""The 27 member states of the European Union (Greece as ``GR``, its ISO code)."""

NO_NATIONAL_RATE: frozenset[str] = frozenset({"BR", "CA", "IN", "US"})
"""Countries whose sales tax is set by state or province, or by the goods: none is seeded."""

GENERIC_TAX_NAME = "Tax"
"""The name of a tax given by rate only, in a country the table does not name."""


class SeedTax(msgspec.Struct, frozen=True, kw_only=True):
    """One tax to seed: ``scope`` ``sale`` or ``purchase``, ``rate`` in percent."""

    name: str
    scope: str
    rate: str


def default_taxes(
    country: str | None,
    *,
    name: str | None = None,
    sales_rate: str | None = None,
    purchase_rate: str | None = None,
) -> tuple[SeedTax, ...]:
    """The sales and purchase taxes to seed for ``country``, settings overriding the table.

    Args:
        country: The company's country (ISO 3166-1 alpha-2), ``None`` when unknown.
        name: The taxes' name, instead of the country's (``GST``).
        sales_rate: The sales tax rate in percent, instead of the country's.
        purchase_rate: The purchase tax rate, instead of the sales rate (given or the
            country's).

    Returns:
        A sales and a purchase tax; either is left out when neither the settings nor the
        table give it a rate (so nothing, for an unknown country and no rates).

    Example::

        >>> [(t.name, t.scope, t.rate) for t in default_taxes("DE")]
        [('USt', 'sale', '19'), ('USt', 'purchase', '19')]
        >>> default_taxes("US")
        ()
    """
    known = COUNTRY_TAXES.get(country or "")
    standard = known.rate if known else None
    label = name or (known.name if known else GENERIC_TAX_NAME)
    rates = (
        ("sale", sales_rate or standard),
        ("purchase", purchase_rate or sales_rate or standard),
    )
    return tuple(SeedTax(name=label, scope=scope, rate=rate) for scope, rate in rates if rate)
