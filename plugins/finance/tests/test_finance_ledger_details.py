"""The smaller ledger items: line discounts, tax rounding per document, gross profit,
debit and credit balance columns, general-ledger order, money in messages (issue #18)."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from finance_support import API, assert_balanced, invoice, ok, outbox, post, problem, trial_balance
from nexus.testing import make_tenant, set_plugin_settings
from nexus_finance._money import money_text


@pytest.fixture
def client(world):
    return world[0]


@pytest.fixture
def url(world):
    return world[1]


def french(url, **settings):
    """A tenant whose books are French (TVA 20 %), with more settings if given."""
    made = make_tenant(url)
    set_plugin_settings(url, made, "finance", {"country": "FR", **settings})
    return made


def tax_of(client, tenant, scope="sale"):
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    return next(t for t in taxes if t["scope"] == scope)


def booked(client, tenant, document):
    entry = ok(client.get(f"{API}/entries/{document['entry_id']}", headers=tenant.headers))
    return sorted((line["account_code"], line["debit"], line["credit"]) for line in entry["lines"])


def entry(client, tenant, *lines, **fields):
    body = {"lines": list(lines), **fields}
    return client.post(f"{API}/entries", json=body, headers=tenant.headers)


# 1. Line discounts


def test_a_line_discount_lowers_the_subtotal_the_tax_and_the_posting(client, url):
    tenant = french(url)
    tax = tax_of(client, tenant)
    draft = invoice(
        client,
        tenant,
        lines=[
            {
                "description": "Chairs",
                "quantity": "3",
                "unit_price": "100.00",
                "discount_percent": "10",
                "tax_id": tax["id"],
            },
            {"description": "Delivery", "unit_price": "33.33", "discount_percent": "12.5"},
        ],
    )
    chairs, delivery = draft["lines"]
    assert (chairs["discount_percent"], chairs["subtotal"], chairs["tax_amount"]) == (
        "10",
        "270.00",
        "54.00",
    )
    assert (delivery["discount_percent"], delivery["subtotal"]) == ("12.5", "29.16")  # 29.16375
    assert (draft["untaxed_total"], draft["tax_total"], draft["total"]) == (
        "299.16",
        "54.00",
        "353.16",
    )
    posted = post(client, tenant, draft["id"])
    assert booked(client, tenant, posted) == [
        ("1100", "353.16", "0.00"),
        ("2200", "0.00", "54.00"),
        ("4000", "0.00", "270.00"),
        ("4000", "0.00", "29.16"),
    ]
    [event] = outbox(url, tenant.id, "finance.invoice.posted.v1")
    assert [(line["discount_percent"], line["subtotal"]) for line in event["lines"]] == [
        ("10", "270.00"),
        ("12.5", "29.16"),
    ]
    # The credit note copies the discount, so it reverses exactly what was booked.
    note = ok(
        client.post(
            f"{API}/invoices/{posted['id']}/credit-note",
            json={"post": True},
            headers=tenant.headers,
        ),
        201,
    )
    assert (note["total"], note["lines"][0]["discount_percent"]) == ("353.16", "10")
    assert_balanced(trial_balance(client, tenant))


def test_a_bill_line_discount_is_booked_net_to_the_expense(client, url):
    tenant = french(url)
    tax = tax_of(client, tenant, "purchase")
    bill = invoice(
        client,
        tenant,
        kind="bill",
        partner_name="Supplier",
        lines=[
            {
                "description": "Paper",
                "quantity": "4",
                "unit_price": "25.00",
                "discount_percent": "5",
                "tax_id": tax["id"],
            }
        ],
    )
    assert (bill["untaxed_total"], bill["tax_total"], bill["total"]) == ("95.00", "19.00", "114.00")
    posted = post(client, tenant, bill["id"])
    assert booked(client, tenant, posted) == [
        ("1300", "19.00", "0.00"),
        ("2000", "0.00", "114.00"),
        ("6000", "95.00", "0.00"),
    ]


def test_negative_lines_are_refused_pointing_to_the_discount(client, url):
    tenant = french(url)

    def refused(line):
        body = {"partner_name": "Acme", "lines": [{"description": "X", **line}]}
        answer = problem(client.post(f"{API}/invoices", json=body, headers=tenant.headers), 422)
        return {error["key"]: error["message"] for error in answer["errors"]}

    price = refused({"unit_price": "-10.00"})
    assert list(price) == ["lines[0].unit_price"]
    assert "discount_percent" in price["lines[0].unit_price"]
    quantity = refused({"unit_price": "10.00", "quantity": "-1"})
    assert "discount_percent" in quantity["lines[0].quantity"]
    assert list(refused({"unit_price": "10.00", "discount_percent": "100.5"})) == [
        "lines[0].discount_percent"
    ]
    assert list(refused({"unit_price": "10.00", "discount_percent": "-5"})) == [
        "lines[0].discount_percent"
    ]
    # A full discount is a line of zero, not a negative one.
    free = invoice(
        client,
        tenant,
        lines=[
            {"description": "Paid", "unit_price": "10.00"},
            {"description": "Free", "unit_price": "10.00", "discount_percent": "100"},
        ],
    )
    assert [line["subtotal"] for line in free["lines"]] == ["10.00", "0.00"]


# 2. Tax rounding per line or per document

THREE_SMALL_LINES = [{"description": f"Item {n}", "unit_price": "1.03"} for n in range(3)]


@pytest.mark.parametrize(
    ("rounding", "tax_total", "line_taxes"),
    [
        ("per_line", "0.63", ["0.21", "0.21", "0.21"]),  # 3 × round(0.206)
        ("per_document", "0.62", ["0.20", "0.21", "0.21"]),  # round(3.09 × 20 % = 0.618)
    ],
)
def test_tax_rounding_per_line_or_per_document(client, url, rounding, tax_total, line_taxes):
    tenant = french(url, tax_rounding=rounding)
    tax = tax_of(client, tenant)
    lines = [{**line, "tax_id": tax["id"]} for line in THREE_SMALL_LINES]
    draft = invoice(client, tenant, lines=lines)
    assert (draft["untaxed_total"], draft["tax_total"]) == ("3.09", tax_total)
    assert sorted(line["tax_amount"] for line in draft["lines"]) == line_taxes
    total = str(Decimal("3.09") + Decimal(tax_total))
    assert draft["total"] == total
    posted = post(client, tenant, draft["id"])
    lines_booked = booked(client, tenant, posted)
    assert ("2200", "0.00", tax_total) in lines_booked
    assert ("1100", total, "0.00") in lines_booked
    assert_balanced(trial_balance(client, tenant))


def test_per_document_rounding_of_an_included_tax_and_of_two_rates(client, url):
    tenant = french(url, tax_rounding="per_document")
    h = tenant.headers
    reduced = ok(
        client.post(
            f"{API}/taxes",
            json={"name": "TVA 5.5%", "rate": "5.5", "scope": "sale", "account_code": "2200"},
            headers=h,
        ),
        201,
    )
    included = ok(
        client.post(
            f"{API}/taxes",
            json={
                "name": "TVA 20% TTC",
                "rate": "20",
                "scope": "sale",
                "account_code": "2200",
                "price_include": True,
            },
            headers=h,
        ),
        201,
    )
    lines = [
        {"description": "Book", "unit_price": "1.09", "tax_id": reduced["id"]},
        {"description": "Book", "unit_price": "1.09", "tax_id": reduced["id"]},
        {"description": "Pen", "unit_price": "1.01", "tax_id": included["id"]},
        {"description": "Pen", "unit_price": "1.01", "tax_id": included["id"]},
        {"description": "Pen", "unit_price": "1.01", "tax_id": included["id"]},
    ]
    draft = invoice(client, tenant, lines=lines)
    books, pens = draft["lines"][:2], draft["lines"][2:]
    # 2.18 × 5.5 % = 0.1199 → 0.12 once (per line: 2 × 0.06); 3.03 TTC → 2.53 net, 0.50 tax.
    assert sum(Decimal(line["tax_amount"]) for line in books) == Decimal("0.12")
    assert sum(Decimal(line["tax_amount"]) for line in pens) == Decimal("0.50")
    assert sum(Decimal(line["subtotal"]) for line in pens) == Decimal("2.53")
    assert (draft["untaxed_total"], draft["tax_total"], draft["total"]) == ("4.71", "0.62", "5.33")
    posted = post(client, tenant, draft["id"])
    assert ("1100", "5.33", "0.00") in booked(client, tenant, posted)


# 3. and 4. Gross profit; debit and credit balance columns


@pytest.fixture(scope="module")
def trading(world):
    """A tenant that sells goods and services, with cost of sales and other lines."""
    client, url = world
    tenant = make_tenant(url)
    sale = invoice(
        client,
        tenant,
        lines=[
            {"description": "Goods", "unit_price": "1000.00", "account_code": "4000"},
            {"description": "Installation", "unit_price": "200.00", "account_code": "4100"},
        ],
    )
    post(client, tenant, sale["id"])
    for debit, credit, amount in (
        ("5000", "1200", "300.00"),  # cost of the goods sold
        ("6200", "1000", "100.00"),  # rent
        ("1000", "4900", "50.00"),  # other income
        ("1000", "3000", "500.00"),  # capital
    ):
        ok(
            entry(
                client,
                tenant,
                {"account_code": debit, "debit": amount},
                {"account_code": credit, "credit": amount},
            ),
            201,
        )
    return tenant


def test_profit_and_loss_shows_gross_profit_before_other_income_and_expenses(world, trading):
    client, _ = world
    report = ok(client.get(f"{API}/reports/profit-and-loss", headers=trading.headers))
    shown = [(r["section"], r["account_code"], r["amount"]) for r in report["rows"]]
    assert shown == [
        ("revenue", "4000", "1000.00"),
        ("revenue", "4100", "200.00"),
        ("cost_of_sales", "5000", "300.00"),
        ("gross_profit", "", "900.00"),
        ("income", "4900", "50.00"),
        ("expense", "6200", "100.00"),
        ("net_profit", "", "850.00"),
    ]
    assert report["totals"]["EUR"] == {
        "revenue": "1200.00",
        "cost_of_sales": "300.00",
        "gross_profit": "900.00",
        "income": "1250.00",
        "expense": "400.00",
        "net_profit": "850.00",
    }
    response = client.get(
        f"{API}/reports/profit-and-loss", params={"format": "csv"}, headers=trading.headers
    )
    rows = list(csv.DictReader(io.StringIO(response.text)))
    gross = {"section": "gross_profit", "account_name": "Gross profit", "amount": "900.00"}
    assert gross.items() <= rows[3].items()


def test_trial_balance_shows_credit_balances_positive_in_their_own_column(world, trading):
    client, _ = world
    report = trial_balance(client, trading)
    assert "balance" not in report["columns"]
    rows = {r["account_code"]: r for r in report["rows"]}
    for code, debit_balance, credit_balance in (
        ("1000", "450.00", "0.00"),  # 50 + 500 - 100
        ("1100", "1200.00", "0.00"),
        ("1200", "0.00", "300.00"),  # a credit balance on an asset account
        ("3000", "0.00", "500.00"),
        ("4000", "0.00", "1000.00"),
        ("5000", "300.00", "0.00"),
    ):
        row = rows[code]
        assert (row["debit_balance"], row["credit_balance"]) == (debit_balance, credit_balance)
        assert "balance" not in row
    assert report["totals"]["EUR"] == {
        "debit": "2150.00",
        "credit": "2150.00",
        "debit_balance": "2050.00",  # 450 + 1200 + 300 + 100
        "credit_balance": "2050.00",  # 300 + 500 + 1000 + 200 + 50
    }
    response = client.get(
        f"{API}/reports/trial-balance", params={"format": "csv"}, headers=trading.headers
    )
    lines = response.text.splitlines()
    assert lines[0].endswith(",debit,credit,debit_balance,credit_balance")
    assert "EUR,4000,Sales of goods,income,0.00,1000.00,0.00,1000.00" in lines
    sums = [Decimal(0), Decimal(0)]
    for row in csv.DictReader(io.StringIO(response.text)):
        assert not row["credit_balance"].startswith("-")
        sums[0] += Decimal(row["debit_balance"])
        sums[1] += Decimal(row["credit_balance"])
    assert sums[0] == sums[1] == Decimal("2050.00")


# 5. General ledger order


def test_general_ledger_runs_same_day_lines_in_posting_order(client, url):
    tenant = make_tenant(url)
    sale = post(client, tenant, invoice(client, tenant)["id"])
    paid = ok(
        client.post(
            f"{API}/payments",
            json={
                "partner_id": sale["partner_id"],
                "amount": "100.00",
                "allocations": [{"invoice_id": sale["id"], "amount": "100.00"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    payment_entry = ok(client.get(f"{API}/entries/{paid['entry_id']}", headers=tenant.headers))
    # The payment's number sorts before the invoice's, on the same day.
    assert payment_entry["number"] < sale["number"] and payment_entry["date"] == sale["date"]
    ledger = ok(
        client.get(
            f"{API}/reports/general-ledger", params={"account_code": "1100"}, headers=tenant.headers
        )
    )
    rows = [(r["entry"], r["debit"], r["credit"], r["balance"]) for r in ledger["rows"]]
    assert rows == [
        (sale["number"], "100.00", "0.00", "100.00"),
        (payment_entry["number"], "0.00", "100.00", "0.00"),
    ]


# 6. Money in messages


@pytest.mark.parametrize(
    ("amount", "currency", "locale", "text"),
    [
        ("120.000000", "EUR", None, "€120.00"),
        ("1200", "JPY", None, "¥1,200"),
        ("1.25", "KWD", "en", "KWD 1.250"),
        ("1234.5", "EUR", "de-DE", "1.234,50\xa0€"),
        ("3", "EUR", "xx-XX", "€3.00"),
        ("0.005", "USD", "en-US", "$0.01"),
    ],
)
def test_money_is_written_by_currency_and_locale(amount, currency, locale, text):
    assert money_text(Decimal(amount), currency, locale) == text


def test_messages_write_money_in_the_currency_never_as_stored(client, url):
    tenant = make_tenant(url)
    h = tenant.headers
    sale = invoice(client, tenant, lines=[{"description": "X", "unit_price": "120"}])
    post(client, tenant, sale["id"])
    over = problem(
        client.post(
            f"{API}/payments",
            json={
                "partner_id": sale["partner_id"],
                "amount": "200.00",
                "allocations": [{"invoice_id": sale["id"], "amount": "150.00"}],
            },
            headers=h,
        ),
        422,
    )
    assert over["errors"][0]["message"] == "more than the €120.00 due"
    unbalanced = problem(
        entry(
            client,
            tenant,
            {"account_code": "1000", "debit": "100.00"},
            {"account_code": "3000", "credit": "90.00"},
        ),
        422,
    )
    assert unbalanced["errors"][0]["message"] == (
        "the entry does not balance: EUR debits exceed credits by €10.00"
    )
    for currency, rate, debit, credit, text in (
        ("JPY", "0.0062", "2400", "1200", "debits exceed credits by ¥1,200"),
        ("KWD", "3.0", "2.000", "3.250", "credits exceed debits by KWD 1.250"),
    ):
        ok(client.post(f"{API}/rates", json={"currency": currency, "rate": rate}, headers=h), 201)
        answer = problem(
            entry(
                client,
                tenant,
                {"account_code": "1000", "debit": debit, "currency": currency},
                {"account_code": "3000", "credit": credit, "currency": currency},
            ),
            422,
        )
        assert text in answer["errors"][0]["message"]
        assert ".000000" not in str(answer)
    assert ".000000" not in str(over) + str(unbalanced)


def test_messages_follow_the_locale_of_the_books(client, url):
    tenant = make_tenant(url)
    set_plugin_settings(url, tenant, "finance", {"locale": "fr-FR"})
    answer = problem(
        entry(
            client,
            tenant,
            {"account_code": "1000", "debit": "1250.00"},
            {"account_code": "3000", "credit": "10.00"},
        ),
        422,
    )
    # The books take the locale when Finance first serves the tenant.
    message = answer["errors"][0]["message"]
    assert message == "the entry does not balance: EUR debits exceed credits by 1\u202f240,00\xa0€"
