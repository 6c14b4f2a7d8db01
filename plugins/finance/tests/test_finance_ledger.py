"""The ledger: seeding, balanced entries, closed periods, reversals, trial balance."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from finance_support import API, assert_balanced, balance_of, ok, problem, trial_balance
from nexus.testing import make_tenant, set_plugin_settings


@pytest.fixture
def client(world):
    return world[0]


@pytest.fixture
def tenant(world):
    return make_tenant(world[1])


def entry(client, tenant, lines, **fields):
    return client.post(f"{API}/entries", json={"lines": lines, **fields}, headers=tenant.headers)


def test_first_enable_seeds_an_ifrs_chart_journals_taxes_and_the_fiscal_year(client, world):
    tenant = make_tenant(world[1])
    set_plugin_settings(world[1], tenant, "finance", {"country": "DE"})
    accounts = ok(client.get(f"{API}/accounts", params={"limit": 200}, headers=tenant.headers))
    codes = {a["code"]: a for a in accounts["items"]}
    assert len(codes) >= 25
    subtypes = {a["subtype"] for a in codes.values()}
    assert {
        "receivable",
        "payable",
        "bank",
        "inventory",
        "cogs",
        "stock_received",
        "stock_adjustment",
        "sales",
        "tax_payable",
        "tax_receivable",
        "retained_earnings",
    } <= subtypes
    journals = {
        j["code"]: j["type"]
        for j in ok(client.get(f"{API}/journals", headers=tenant.headers))["items"]
    }
    assert (
        journals["INV"] == "sale" and journals["BILL"] == "purchase" and journals["BNK1"] == "bank"
    )
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    assert {(t["scope"], t["rate"]) for t in taxes if t["default"]} == {
        ("sale", "19"),
        ("purchase", "19"),
    }
    # A company in the EU also gets the reverse-charge taxes of its EU B2B fiscal position.
    assert {(t["scope"], t["rate"]) for t in taxes if "reverse_charge" in t["tags"]} == {
        ("sale", "0"),
        ("purchase", "19"),
    }
    [year] = ok(client.get(f"{API}/fiscal-years", headers=tenant.headers))["items"]
    assert len(year["periods"]) == 12
    assert year["start_date"] <= date.today().isoformat() <= year["end_date"]
    assert ok(client.get(f"{API}/company", headers=tenant.headers))["base_currency"] == "EUR"


def test_unbalanced_entry_is_refused_with_422(client, tenant):
    response = entry(
        client,
        tenant,
        [{"account_code": "1000", "debit": "100.00"}, {"account_code": "3000", "credit": "90.00"}],
    )
    body = problem(response, 422)
    assert body["errors"][0]["key"] == "lines"
    assert "does not balance" in body["errors"][0]["message"]
    assert ok(client.get(f"{API}/entries", headers=tenant.headers))["items"] == []


@pytest.mark.parametrize(
    ("lines", "key"),
    [
        pytest.param(
            [{"account_code": "9999", "debit": "1.00"}, {"account_code": "3000", "credit": "1.00"}],
            "lines[0].account_code",
            id="unknown-account",
        ),
        pytest.param(
            [
                {"account_code": "1000", "debit": "1.001"},
                {"account_code": "3000", "credit": "1.001"},
            ],
            "lines[0]",
            id="too-many-decimals",
        ),
        pytest.param(
            [
                {"account_code": "1000", "debit": "1.00", "credit": "1.00"},
                {"account_code": "3000", "credit": "0"},
            ],
            "lines[0]",
            id="debit-and-credit",
        ),
    ],
)
def test_malformed_entry_lines_name_the_field(client, tenant, lines, key):
    body = problem(entry(client, tenant, lines), 422)
    assert body["errors"][0]["key"] == key


def test_every_malformed_line_of_an_entry_is_named_at_once(client, tenant):
    lines = [
        {"account_code": "9999", "debit": "1.00"},
        {"account_code": "1000", "debit": "1.00", "credit": "1.00"},
        {"account_code": "8888", "credit": "1.00"},
        {"account_code": "3000", "debit": "1.001"},
    ]
    body = problem(entry(client, tenant, lines), 422)
    assert [e["key"] for e in body["errors"]] == ["lines[0].account_code", "lines[2].account_code"]
    lines[0]["account_code"] = lines[2]["account_code"] = "1000"
    body = problem(entry(client, tenant, lines), 422)
    assert [e["key"] for e in body["errors"]] == ["lines[1]", "lines[3]"]


def test_balanced_entry_posts_numbered_and_moves_the_trial_balance(client, tenant):
    created = ok(
        entry(
            client,
            tenant,
            [
                {"account_code": "1000", "debit": "1000.00"},
                {"account_code": "3000", "credit": "1000.00"},
            ],
            memo="Capital",
        ),
        201,
    )
    assert created["number"] == f"MISC/{date.today().year}/00001"
    assert [(line["account_code"], line["debit"], line["credit"]) for line in created["lines"]] == [
        ("1000", "1000.00", "0.00"),
        ("3000", "0.00", "1000.00"),
    ]
    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "1000", "EUR") == Decimal("1000.00")
    assert ok(client.get(f"{API}/entries/{created['id']}", headers=tenant.headers)) == created


def test_posting_into_a_closed_period_is_refused_until_reopened(client, tenant):
    periods = ok(client.get(f"{API}/periods", params={"limit": 200}, headers=tenant.headers))[
        "items"
    ]
    today = date.today().isoformat()
    [current] = [p for p in periods if p["start_date"] <= today <= p["end_date"]]
    closed = ok(client.post(f"{API}/periods/{current['id']}/close", headers=tenant.headers))
    assert closed["state"] == "closed"
    lines = [{"account_code": "1000", "debit": "5.00"}, {"account_code": "3000", "credit": "5.00"}]

    refused = problem(entry(client, tenant, lines, date=today), 409)
    assert "closed" in refused["detail"]
    invoice = ok(
        client.post(
            f"{API}/invoices",
            json={
                "partner_name": "Acme",
                "date": today,
                "lines": [{"description": "x", "unit_price": "5.00"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    problem(client.post(f"{API}/invoices/{invoice['id']}/post", headers=tenant.headers), 409)
    assert (
        ok(client.get(f"{API}/invoices/{invoice['id']}", headers=tenant.headers))["state"]
        == "draft"
    )

    ok(client.post(f"{API}/periods/{current['id']}/reopen", headers=tenant.headers))
    ok(entry(client, tenant, lines, date=today), 201)


def test_a_posting_after_the_last_fiscal_year_opens_the_next(client, tenant):
    next_year = date.today().year + 1
    ok(
        entry(
            client,
            tenant,
            [{"account_code": "1000", "debit": "1.00"}, {"account_code": "3000", "credit": "1.00"}],
            date=f"{next_year}-06-15",
        ),
        201,
    )
    years = ok(client.get(f"{API}/fiscal-years", headers=tenant.headers))["items"]
    assert [y["name"] for y in years] == [str(next_year - 1), str(next_year)]
    problem(
        client.post(
            f"{API}/fiscal-years", json={"date": f"{next_year}-01-01"}, headers=tenant.headers
        ),
        409,
    )
    opened = ok(client.post(f"{API}/fiscal-years", json={}, headers=tenant.headers), 201)
    assert opened["name"] == str(next_year + 1)


def test_reversing_a_manual_entry_mirrors_it_once(client, tenant):
    created = ok(
        entry(
            client,
            tenant,
            [
                {"account_code": "6200", "debit": "300.00"},
                {"account_code": "1000", "credit": "300.00"},
            ],
        ),
        201,
    )
    reversal = ok(
        client.post(f"{API}/entries/{created['id']}/reverse", json={}, headers=tenant.headers), 201
    )
    assert reversal["reversal_of"] == created["id"]
    assert [(line["debit"], line["credit"]) for line in reversal["lines"]] == [
        ("0.00", "300.00"),
        ("300.00", "0.00"),
    ]
    problem(
        client.post(f"{API}/entries/{created['id']}/reverse", json={}, headers=tenant.headers), 409
    )
    report = trial_balance(client, tenant)
    assert balance_of(report, "6200", "EUR") == 0


def test_accounts_take_the_next_free_code_and_refuse_a_taken_one(client, tenant):
    made = ok(
        client.post(
            f"{API}/accounts", json={"name": "Petty cash", "type": "asset"}, headers=tenant.headers
        ),
        201,
    )
    assert made["code"] == "1511"
    problem(
        client.post(
            f"{API}/accounts",
            json={"name": "Dup", "type": "asset", "code": "1000"},
            headers=tenant.headers,
        ),
        409,
    )


def test_another_tenants_entry_answers_404(client, world, tenant):
    other = make_tenant(world[1])
    created = ok(
        entry(
            client,
            tenant,
            [{"account_code": "1000", "debit": "1.00"}, {"account_code": "3000", "credit": "1.00"}],
        ),
        201,
    )
    problem(client.get(f"{API}/entries/{created['id']}", headers=other.headers), 404)
    problem(
        client.post(f"{API}/entries/{created['id']}/reverse", json={}, headers=other.headers), 404
    )
    assert ok(client.get(f"{API}/entries", headers=other.headers))["items"] == []


def test_openapi_documents_the_finance_routes(client):
    schema = ok(client.get("/schema/openapi.json"))
    paths = {p for p in schema["paths"] if p.startswith(API)}
    for path in (
        "/accounts",
        "/entries",
        "/invoices/{invoice_id}/post",
        "/invoices/{invoice_id}/credit-note",
        "/payments",
        "/periods/{period_id}/close",
        "/reports/trial-balance",
        "/rates",
    ):
        assert f"{API}{path}" in paths
    create = schema["paths"][f"{API}/invoices"]["post"]["requestBody"]["content"]
    assert create["application/json"]["schema"]["examples"][0]["partner_name"]
    report = schema["paths"][f"{API}/reports/trial-balance"]["get"]["responses"]["200"]
    assert set(report["content"]) == {"application/json", "text/csv"}


@pytest.mark.parametrize(
    ("body", "key"),
    [
        pytest.param(
            {
                "date": "9999-12-31",
                "lines": [
                    {"account_code": "1000", "debit": "1.00"},
                    {"account_code": "3000", "credit": "1.00"},
                ],
            },
            "date",
            id="date-beyond-the-books",
        ),
        pytest.param(
            {
                "lines": [
                    {"account_code": "1000", "debit": "1000000000000000"},
                    {"account_code": "3000", "credit": "1000000000000000"},
                ]
            },
            "lines[0].debit",
            id="amount-too-large",
        ),
        pytest.param(
            {
                "lines": [
                    {"account_code": "1000", "debit": "NaN"},
                    {"account_code": "3000", "credit": "1.00"},
                ]
            },
            "lines[0].debit",
            id="not-a-number",
        ),
        pytest.param(
            {
                "journal_code": "NOPE",
                "lines": [
                    {"account_code": "1000", "debit": "1.00"},
                    {"account_code": "3000", "credit": "1.00"},
                ],
            },
            "journal_code",
            id="unknown-journal",
        ),
    ],
)
def test_values_the_books_cannot_hold_are_422(client, tenant, body, key):
    body = problem(client.post(f"{API}/entries", json=body, headers=tenant.headers), 422)
    assert body["errors"][0]["key"] == key


def test_members_invoice_but_only_admins_touch_the_ledger(client, world, tenant):
    member = make_tenant(world[1], role="member")
    lines = [{"account_code": "1000", "debit": "1.00"}, {"account_code": "3000", "credit": "1.00"}]
    refused = problem(entry(client, member, lines), 403)
    assert "finance.entries:write" in refused["detail"]
    problem(
        client.post(f"{API}/accounts", json={"name": "X", "type": "asset"}, headers=member.headers),
        403,
    )
    made = client.post(
        f"{API}/invoices",
        headers=member.headers,
        json={
            "partner_name": "Acme",
            "lines": [{"description": "x", "unit_price": "1.00"}],
        },
    )
    assert made.status_code == 201, made.text
    invoice = ok(client.get(f"{API}/invoices/{made.json()['id']}", headers=member.headers))
    assert invoice["id"] == made.json()["id"]
    for path in ("/entries", "/reports/trial-balance", "/reports/general-ledger"):
        refused = problem(client.get(f"{API}{path}", headers=member.headers), 403)
        assert refused["detail"].startswith("requires the permission finance."), refused


def test_an_admin_key_scoped_to_the_reports_reads_them_and_nothing_else(client, world):
    accountant = make_tenant(world[1], scopes=("finance.reports:read",))
    assert ok(client.get(f"{API}/reports/trial-balance", headers=accountant.headers))["rows"] == []
    problem(client.get(f"{API}/invoices", headers=accountant.headers), 403)
    problem(client.get(f"{API}/entries", headers=accountant.headers), 403)
