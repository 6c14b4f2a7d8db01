"""The default taxes follow the company's country; settings override them; none is guessed."""

from __future__ import annotations

import json
from pathlib import Path

import msgspec
import nexus_finance
import pytest
from finance_support import API, ok
from nexus.testing import make_tenant, set_plugin_settings
from nexus_finance._country_taxes import COUNTRY_TAXES, NO_NATIONAL_RATE, default_taxes
from nexus_finance._settings import FinanceSettings


def seeded(world, settings):
    """The taxes a new tenant's books get from ``settings``: {(name, scope, rate)}."""
    client, url = world
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", settings)
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    return {(t["name"], t["scope"], t["rate"]) for t in taxes if t["default"]}


def taxes_of(settings):
    """What ``default_taxes`` makes of a settings dict: {(name, scope, rate)}."""
    s = msgspec.convert(settings, FinanceSettings)
    made = default_taxes(
        s.country, name=s.tax_name, sales_rate=s.sales_tax_rate, purchase_rate=s.purchase_tax_rate
    )
    return {(t.name, t.scope, t.rate) for t in made}


def both(name, rate):
    return {(name, "sale", rate), (name, "purchase", rate)}


@pytest.mark.parametrize(
    ("country", "expected"),
    [
        pytest.param("GB", both("VAT", "20"), id="GB-VAT-20"),
        pytest.param("FR", both("TVA", "20"), id="FR-TVA-20"),
        pytest.param("DE", both("USt", "19"), id="DE-USt-19"),
        pytest.param("IE", both("VAT", "23"), id="IE-VAT-23"),
        pytest.param("ES", both("IVA", "21"), id="ES-IVA-21"),
        pytest.param("IT", both("IVA", "22"), id="IT-IVA-22"),
        pytest.param("NL", both("BTW", "21"), id="NL-BTW-21"),
        pytest.param("CH", both("MWST", "8.1"), id="CH-MWST-8.1"),
        pytest.param("AU", both("GST", "10"), id="AU-GST-10"),
        pytest.param("NZ", both("GST", "15"), id="NZ-GST-15"),
        pytest.param("US", set(), id="US-state-level-none"),
        pytest.param("CA", set(), id="CA-provincial-none"),
        pytest.param("ZZ", set(), id="unknown-none"),
        pytest.param(None, set(), id="no-country-none"),
    ],
)
def test_the_country_picks_its_standard_rate(country, expected):
    assert taxes_of({"country": country}) == expected


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(
            {"country": "US", "tax_name": "Sales tax", "sales_tax_rate": "8.25"},
            both("Sales tax", "8.25"),
            id="a-state-rate-for-a-US-company",
        ),
        pytest.param(
            {"country": "DE", "sales_tax_rate": "7"}, both("USt", "7"), id="rate-keeps-the-name"
        ),
        pytest.param({"country": "GB", "tax_name": "GST"}, both("GST", "20"), id="name-only"),
        pytest.param(
            {"country": "FR", "purchase_tax_rate": "10"},
            {("TVA", "sale", "20"), ("TVA", "purchase", "10")},
            id="purchase-rate-only",
        ),
        pytest.param({"sales_tax_rate": "12.5"}, both("Tax", "12.5"), id="rate-without-country"),
        pytest.param(
            {"country": "US", "sales_tax_rate": "0.00"}, both("Tax", "0.00"), id="explicit-zero"
        ),
    ],
)
def test_settings_override_the_country(settings, expected):
    assert taxes_of(settings) == expected


def test_countries_without_a_national_rate_are_not_in_the_table():
    assert {"US", "CA"} <= NO_NATIONAL_RATE
    assert not NO_NATIONAL_RATE & COUNTRY_TAXES.keys()
    for country, tax in COUNTRY_TAXES.items():
        assert FinanceSettings(country=country, sales_tax_rate=tax.rate).country == country


EXAMPLES = Path(__file__).parents[3] / "presets" / "examples"


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason="runs in the Nexus repository")
def test_every_example_profile_country_is_known():
    countries = {json.loads(path.read_text())["country"] for path in EXAMPLES.glob("*.json")}
    assert countries >= {"GB", "FR", "US"}
    assert countries <= COUNTRY_TAXES.keys() | NO_NATIONAL_RATE


def test_the_business_profile_country_fills_the_setting():
    assert nexus_finance.nexus_manifest().profile_settings["country"] == "country"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        pytest.param(
            {"country": "GB"},
            {("VAT 20% (sales)", "sale", "20"), ("VAT 20% (purchases)", "purchase", "20")},
            id="GB",
        ),
        pytest.param(
            {"country": "DE"},
            {("USt 19% (sales)", "sale", "19"), ("USt 19% (purchases)", "purchase", "19")},
            id="DE",
        ),
        pytest.param({"country": "US"}, set(), id="US"),
        pytest.param({}, set(), id="no-country"),
    ],
)
def test_the_books_are_seeded_with_the_countrys_taxes(world, settings, expected):
    assert seeded(world, settings) == expected
