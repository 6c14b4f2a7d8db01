"""Reports: trial balance, profit and loss, balance sheet, aged balances — JSON and CSV."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from finance_support import (
    API,
    assert_balanced,
    balance_of,
    invoice,
    ok,
    post,
    problem,
    trial_balance,
)
from nexus.testing import make_tenant

REPORTS = (
    "trial-balance",
    "profit-and-loss",
    "balance-sheet",
    "general-ledger",
    "aged-receivables",
    "aged-payables",
)


@pytest.fixture(scope="module")
def books(world):
    """A tenant with capital, a sale (part paid, overdue), a bill and a USD sale."""
    client, url = world
    tenant = make_tenant(url)
    h = tenant.headers
    ok(
        client.post(
            f"{API}/entries",
            headers=h,
            json={
                "lines": [
                    {"account_code": "1000", "debit": "5000.00"},
                    {"account_code": "3000", "credit": "5000.00"},
                ]
            },
        ),
        201,
    )
    overdue = (date.today() - timedelta(days=45)).isoformat()
    sale = invoice(
        client,
        tenant,
        partner_name="Acme",
        date=overdue,
        due_date=overdue,
        lines=[{"description": "Goods", "unit_price": "1000.00"}],
    )
    post(client, tenant, sale["id"])
    ok(
        client.post(
            f"{API}/payments",
            headers=h,
            json={
                "partner_id": sale["partner_id"],
                "amount": "400.00",
                "allocations": [{"invoice_id": sale["id"], "amount": "400.00"}],
            },
        ),
        201,
    )
    bill = ok(
        client.post(
            f"{API}/invoices",
            headers=h,
            json={
                "kind": "bill",
                "partner_name": "Landlord",
                "lines": [{"description": "Rent", "unit_price": "300.00", "account_code": "6200"}],
            },
        ),
        201,
    )
    post(client, tenant, bill["id"])
    ok(client.post(f"{API}/rates", headers=h, json={"currency": "USD", "rate": "0.5"}), 201)
    usd = invoice(
        client,
        tenant,
        partner_name="Yankee Inc",
        currency="USD",
        lines=[{"description": "Export", "unit_price": "200.00"}],
    )
    post(client, tenant, usd["id"])
    return tenant


def test_trial_balance_sums_to_zero_in_every_currency_and_basis(world, books):
    client, _ = world
    report = trial_balance(client, books)
    assert_balanced(report)
    assert set(report["totals"]) == {"EUR", "USD"}
    company = trial_balance(client, books, basis="company")
    assert_balanced(company)
    assert set(company["totals"]) == {"EUR"}
    assert company["totals"]["EUR"]["debit"] == "6800.00"  # 5000 + 1000 + 400 + 300 + 100 (USD)


def test_profit_and_loss_per_currency(world, books):
    client, _ = world
    report = ok(client.get(f"{API}/reports/profit-and-loss", headers=books.headers))
    assert report["totals"]["EUR"] == {
        "revenue": "1000.00",
        "cost_of_sales": "0.00",
        "gross_profit": "1000.00",
        "income": "1000.00",
        "expense": "300.00",
        "net_profit": "700.00",
    }
    assert report["totals"]["USD"]["net_profit"] == "200.00"
    company = ok(
        client.get(
            f"{API}/reports/profit-and-loss", params={"basis": "company"}, headers=books.headers
        )
    )
    assert company["totals"]["EUR"]["net_profit"] == "800.00"


def test_balance_sheet_balances_with_the_years_earnings(world, books):
    client, _ = world
    report = ok(
        client.get(
            f"{API}/reports/balance-sheet", params={"basis": "company"}, headers=books.headers
        )
    )
    totals = report["totals"]["EUR"]
    assert totals["assets"] == totals["liabilities_and_equity"] == "6100.00"
    assert totals["liabilities"] == "300.00"
    earnings = [r for r in report["rows"] if r["account_name"] == "Unallocated earnings"]
    assert earnings[0]["amount"] == "800.00"


def test_general_ledger_runs_each_accounts_balance(world, books):
    client, _ = world
    ledger = ok(
        client.get(
            f"{API}/reports/general-ledger", params={"account_code": "1100"}, headers=books.headers
        )
    )
    eur = [
        (r["debit"], r["credit"], r["balance"]) for r in ledger["rows"] if r["currency"] == "EUR"
    ]
    assert eur == [("1000.00", "0.00", "1000.00"), ("0.00", "400.00", "600.00")]
    assert {r["partner"] for r in ledger["rows"]} == {"Acme", "Yankee Inc"}
    today = date.today().isoformat()
    since = ok(
        client.get(
            f"{API}/reports/general-ledger",
            params={"account_code": "1100", "date_from": today},
            headers=books.headers,
        )
    )
    opening = [r for r in since["rows"] if r["description"] == "Opening balance"]
    assert [(r["currency"], r["balance"]) for r in opening] == [("EUR", "1000.00")]


def test_aged_receivables_and_payables_bucket_by_days_overdue(world, books):
    client, _ = world
    receivables = ok(client.get(f"{API}/reports/aged-receivables", headers=books.headers))
    rows = {(r["currency"], r["partner_name"]): r for r in receivables["rows"]}
    assert rows["EUR", "Acme"]["31_60"] == "600.00"
    assert rows["EUR", "Acme"]["total"] == "600.00"
    assert rows["USD", "Yankee Inc"]["current"] == "200.00"
    payables = ok(client.get(f"{API}/reports/aged-payables", headers=books.headers))
    assert payables["totals"]["EUR"]["total"] == "300.00"


@pytest.mark.parametrize("name", REPORTS)
def test_every_report_answers_csv_by_query_or_accept(world, books, name):
    client, _ = world
    by_query = client.get(f"{API}/reports/{name}", params={"format": "csv"}, headers=books.headers)
    by_accept = client.get(f"{API}/reports/{name}", headers={**books.headers, "Accept": "text/csv"})
    as_json = ok(client.get(f"{API}/reports/{name}", headers=books.headers))
    for response in (by_query, by_accept):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/csv")
        rows = list(csv.DictReader(io.StringIO(response.text)))
        assert rows == as_json["rows"]
        assert response.text.splitlines()[0] == ",".join(as_json["columns"])


def test_trial_balance_csv_debits_equal_credits_per_currency(world, books):
    client, _ = world
    response = client.get(
        f"{API}/reports/trial-balance", params={"format": "csv"}, headers=books.headers
    )
    sums: dict[str, Decimal] = {}
    for row in csv.DictReader(io.StringIO(response.text)):
        balance = Decimal(row["debit_balance"]) - Decimal(row["credit_balance"])
        sums[row["currency"]] = sums.get(row["currency"], Decimal(0)) + balance
    assert sums == {"EUR": 0, "USD": 0}


def test_reports_show_nothing_of_another_tenant(world, books):
    client, url = world
    other = make_tenant(url)
    for name in REPORTS:
        report = ok(client.get(f"{API}/reports/{name}", headers=other.headers))
        assert report["rows"] == [] and report["totals"] == {}
    problem(
        client.get(f"{API}/reports/trial-balance", params={"basis": "nope"}, headers=books.headers),
        422,
    )


def test_closing_a_year_moves_its_result_to_retained_earnings_and_locks_it(world):
    client, url = world
    tenant = make_tenant(url)
    h = tenant.headers
    last = date.today().year - 1
    year = ok(client.post(f"{API}/fiscal-years", json={"date": f"{last}-06-01"}, headers=h), 201)
    ok(
        client.post(
            f"{API}/rates",
            json={"currency": "USD", "rate": "0.5", "date": f"{last}-01-01"},
            headers=h,
        ),
        201,
    )
    for currency, price in (("EUR", "1000.00"), ("USD", "200.00")):
        sale = invoice(
            client,
            tenant,
            currency=currency,
            date=f"{last}-03-10",
            lines=[{"description": "Goods", "unit_price": price}],
        )
        post(client, tenant, sale["id"])
    ok(
        client.post(
            f"{API}/entries",
            headers=h,
            json={
                "date": f"{last}-04-01",
                "lines": [
                    {"account_code": "6200", "debit": "300.00"},
                    {"account_code": "1000", "credit": "300.00"},
                ],
            },
        ),
        201,
    )

    closed = ok(client.post(f"{API}/fiscal-years/{year['id']}/close", headers=h))
    assert closed["closing_entry_id"] is not None
    assert {p["state"] for p in closed["periods"]} == {"closed"}
    problem(client.post(f"{API}/fiscal-years/{year['id']}/close", headers=h), 409)
    problem(
        client.post(
            f"{API}/entries",
            headers=h,
            json={
                "date": f"{last}-05-01",
                "lines": [
                    {"account_code": "1000", "debit": "1.00"},
                    {"account_code": "3000", "credit": "1.00"},
                ],
            },
        ),
        409,
    )

    year_end = {"date_from": f"{last}-01-01", "date_to": f"{last}-12-31"}
    pnl = ok(client.get(f"{API}/reports/profit-and-loss", params=year_end, headers=h))
    assert pnl["totals"]["EUR"]["net_profit"] == "700.00"  # the closing entry is not a result
    assert pnl["totals"]["USD"]["net_profit"] == "200.00"
    report = trial_balance(client, tenant, date_to=f"{last}-12-31")
    assert_balanced(report)
    for code, currency in (("4000", "EUR"), ("4000", "USD"), ("6200", "EUR")):
        assert balance_of(report, code, currency) == 0
    sheet = ok(
        client.get(
            f"{API}/reports/balance-sheet",
            params={"basis": "company", "date_to": f"{last}-12-31"},
            headers=h,
        )
    )
    retained = [r for r in sheet["rows"] if r["account_code"] == "3100"]
    assert retained[0]["amount"] == "800.00"  # 1000 - 300 + 200 USD at 0.5
    assert not [r for r in sheet["rows"] if r["account_name"] == "Unallocated earnings"]
    totals = sheet["totals"]["EUR"]
    assert totals["assets"] == totals["liabilities_and_equity"]
