"""Finance bodies take decimals of one strict grammar, and no field they do not know."""

from __future__ import annotations

import pytest
from finance_support import API, ok, problem
from nexus.testing import make_tenant, set_plugin_settings


@pytest.fixture
def client(world):
    return world[0]


@pytest.fixture
def tenant(world):
    made = make_tenant(world[1])
    set_plugin_settings(world[1], made, "finance", {"country": "FR"})
    return made


def _invoice(client, tenant, *, line=None, **fields):
    body = {
        "partner_name": "Acme",
        "lines": [
            {"description": "Widgets", "quantity": "2", "unit_price": "50.00", **(line or {})}
        ],
        **fields,
    }
    return client.post(f"{API}/invoices", json=body, headers=tenant.headers)


def _keys(response, status=422):
    return [error["key"] for error in problem(response, status)["errors"]]


@pytest.mark.parametrize(
    "quantity",
    [
        "1e-400",
        "1E2",
        "1_000",
        "\u0661\u0662\u0663",
        "  5 ",
        "5 ",
        "+5",
        "05",
        ".5",
        "5.",
        "NaN",
        "Infinity",
        "0x10",
        "",
        "1.2345678",
        5,
        2.5,
    ],
    ids=[
        "tiny-exponent",
        "exponent",
        "underscore",
        "arabic-indic",
        "padded",
        "trailing-space",
        "plus",
        "leading-zero",
        "no-integer-part",
        "no-decimals",
        "nan",
        "infinity",
        "hex",
        "empty",
        "too-many-decimals",
        "json-integer",
        "json-float",
    ],
)
def test_an_invoice_line_quantity_takes_only_the_strict_decimal_grammar(client, tenant, quantity):
    response = _invoice(client, tenant, line={"quantity": quantity})
    assert _keys(response) == ["lines[0].quantity"]


@pytest.mark.parametrize("price", ["1e3", "-5", "1_0.00", " 10"], ids=str)
def test_a_unit_price_takes_only_the_strict_decimal_grammar(client, tenant, price):
    response = _invoice(client, tenant, line={"unit_price": price})
    assert _keys(response) == ["lines[0].unit_price"]


@pytest.mark.parametrize("quantity", ["2", "0.5", "12.250000", "1000000"])
def test_strict_decimals_are_accepted(client, tenant, quantity):
    ok(_invoice(client, tenant, line={"quantity": quantity}), 201)


def test_an_unknown_field_is_refused_naming_it(client, tenant):
    response = _invoice(
        client, tenant, tenant_id="0192f5a0-0000-7000-8000-000000000001", line={"colour": "red"}
    )
    assert sorted(_keys(response)) == ["lines[0].colour", "tenant_id"]


def test_a_payment_amount_takes_only_the_strict_decimal_grammar(client, tenant):
    body = {"amount": "1e2", "allocations": []}
    response = client.post(f"{API}/payments", json=body, headers=tenant.headers)
    assert "amount" in _keys(response)


def test_a_tax_rate_takes_only_the_strict_decimal_grammar(client, tenant):
    body = {"name": "Odd", "rate": "2e1", "account_code": "445710"}
    response = client.post(f"{API}/taxes", json=body, headers=tenant.headers)
    assert _keys(response) == ["rate"]
