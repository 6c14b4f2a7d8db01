"""CRM input is refused before anything is stored or streamed: filters, text, decimals, fields."""

from __future__ import annotations

import pytest
from crm_support import API


def _keys(response, status=422):
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return [error["key"] for error in response.json()["errors"]]


@pytest.mark.parametrize("param", ["q", "email"])
def test_an_export_with_a_nul_in_a_filter_is_422_before_any_byte(crm, tenant, param):
    response = crm.get(f"{API}/contacts/export?{param}=a%00b", headers=tenant.headers)
    assert _keys(response) == [param]


def test_an_export_answers_its_filters_like_the_list(crm, tenant):
    crm.post(f"{API}/contacts", json={"last_name": "Lovelace"}, headers=tenant.headers)
    listed = crm.get(f"{API}/contacts", params={"q": "lovelace"}, headers=tenant.headers)
    exported = crm.get(f"{API}/contacts/export", params={"q": "lovelace"}, headers=tenant.headers)
    assert exported.status_code == 200, exported.text
    assert len(listed.json()["items"]) == 1
    assert exported.text.count("Lovelace") == 1


@pytest.mark.parametrize(
    "name", ["Ada\u202eecalevol", "Ada\x00", "Ada\nLovelace", "Ada\u2067"], ids=repr
)
def test_a_contact_name_with_control_or_bidi_characters_is_422(crm, tenant, name):
    response = crm.post(f"{API}/contacts", json={"last_name": name}, headers=tenant.headers)
    assert _keys(response) == ["last_name"]


def test_contact_notes_keep_their_line_breaks(crm, tenant):
    body = {"last_name": "Hopper", "notes": "Met at the fair.\n\tCall back in May."}
    response = crm.post(f"{API}/contacts", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    assert response.json()["notes"] == body["notes"]


def test_a_contact_with_a_tenant_id_is_422_naming_it(crm, tenant, other):
    body = {"last_name": "Spy", "tenant_id": str(other.id)}
    response = crm.post(f"{API}/contacts", json=body, headers=tenant.headers)
    assert _keys(response) == ["tenant_id"]


@pytest.mark.parametrize("amount", ["1e3", "1_000", "\u0661\u0662\u0663", " 5", 1000])
def test_a_deal_amount_takes_only_the_strict_decimal_grammar(crm, tenant, amount):
    body = {"title": "Fit-out", "amount": amount}
    response = crm.post(f"{API}/deals", json=body, headers=tenant.headers)
    assert _keys(response) == ["amount"]


def test_a_deal_line_quantity_takes_only_the_strict_decimal_grammar(crm, tenant):
    line = {"description": "Laptop", "quantity": "1e-400", "unit_price": "999.99"}
    body = {"title": "Laptops", "lines": [line]}
    response = crm.post(f"{API}/deals", json=body, headers=tenant.headers)
    assert _keys(response) == ["lines[0].quantity"]


def test_a_stage_probability_is_an_integer_not_text(crm, tenant):
    body = {"name": "Odd", "stages": [{"name": "Lead", "probability": "10"}]}
    response = crm.post(f"{API}/pipelines", json=body, headers=tenant.headers)
    assert _keys(response) == ["stages[0].probability"]
