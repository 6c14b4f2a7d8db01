"""Invoices, bills, credit notes and payments, through the API, with their events."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import msgspec
import nexus_finance
import pytest
from finance_support import (
    API,
    assert_balanced,
    balance_of,
    invoice,
    ok,
    outbox,
    post,
    problem,
    trial_balance,
)
from nexus.testing import make_tenant, outbox_events, set_plugin_settings


@pytest.fixture
def client(world):
    return world[0]


@pytest.fixture
def url(world):
    return world[1]


@pytest.fixture
def tenant(url):
    """A tenant whose books are French: TVA 20 % is its seeded sales and purchase tax."""
    made = make_tenant(url)
    set_plugin_settings(url, made, "finance", {"country": "FR"})
    return made


def sales_tax(client, tenant):
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    return next(t for t in taxes if t["scope"] == "sale")


def pay(client, tenant, amount, allocations, **fields):
    body = {"amount": amount, "allocations": allocations, **fields}
    return client.post(f"{API}/payments", json=body, headers=tenant.headers)


def test_every_published_event_matches_its_declared_payload(client, url, tenant):
    product = "0192f5a0-0000-7000-8000-000000000001"
    lines = [{"description": "Widget", "unit_price": "10.00", "product_id": product, "sku": "W"}]
    paid = post(client, tenant, invoice(client, tenant, lines=lines)["id"])
    ok(
        pay(
            client,
            tenant,
            paid["total"],
            [{"invoice_id": paid["id"], "amount": paid["total"]}],
            partner_id=paid["partner_id"],
        ),
        201,
    )
    credited = post(client, tenant, invoice(client, tenant)["id"])
    ok(
        client.post(
            f"{API}/invoices/{credited['id']}/credit-note",
            json={"post": True},
            headers=tenant.headers,
        ),
        201,
    )
    on_account = ok(pay(client, tenant, "5.00", [], partner_name="On account"), 201)
    later = post(client, tenant, invoice(client, tenant, partner_name="On account")["id"])
    allocations = f"{API}/payments/{on_account['id']}/allocations"
    body = {"allocations": [{"invoice_id": later["id"], "amount": "5.00"}]}
    allocated = ok(client.post(allocations, json=body, headers=tenant.headers), 201)
    undo = f"{allocations}/{allocated['allocations'][0]['id']}"
    ok(client.delete(undo, headers=tenant.headers))

    declared = {event.type: event.payload for event in nexus_finance.nexus_manifest().events}
    published = outbox_events(url, tenant)
    # The bank statement events are published (and checked) by test_finance_bank.py.
    bank = {"finance.bank_statement.imported.v1", "finance.statement_line.reconciled.v1"}
    # The rendered PDF (the event worker's) and the email (Notification's) by
    # tests/test_finance_invoice_mail.py.
    mail = {"finance.invoice.rendered.v1", "finance.invoice.sent.v1"}
    assert {event.type for event in published} == set(declared) - bank - mail
    for event in published:
        assert event.type in declared, f"{event.type} is not declared"
        payload = declared[event.type]
        assert payload is not None
        msgspec.convert(event.data, payload)  # raises when the data drifts from its Struct


def test_invoice_posts_pays_in_two_parts_and_publishes_its_events(client, url, tenant):
    tax = sales_tax(client, tenant)
    draft = invoice(
        client,
        tenant,
        lines=[
            {
                "description": "Widgets",
                "quantity": "3",
                "unit_price": "100.00",
                "tax_id": tax["id"],
                "sku": "W-1",
            },
            {"description": "Setup", "unit_price": "50.00"},
        ],
    )
    assert (draft["state"], draft["number"]) == ("draft", None)
    assert (draft["untaxed_total"], draft["tax_total"], draft["total"]) == (
        "350.00",
        "60.00",
        "410.00",
    )

    posted = post(client, tenant, draft["id"])
    assert posted["state"] == "posted"
    assert posted["number"] == f"INV/{date.today().year}/00001"
    entry = ok(client.get(f"{API}/entries/{posted['entry_id']}", headers=tenant.headers))
    booked = {(line["account_code"], line["debit"], line["credit"]) for line in entry["lines"]}
    assert booked == {
        ("4000", "0.00", "300.00"),
        ("4000", "0.00", "50.00"),
        ("2200", "0.00", "60.00"),
        ("1100", "410.00", "0.00"),
    }
    [event] = outbox(url, tenant.id, "finance.invoice.posted.v1")
    assert event["id"] == draft["id"] and event["kind"] == "invoice"
    assert (event["total"], event["tax_total"], event["currency"]) == ("410.00", "60.00", "EUR")
    assert event["partner_ref"] is None
    assert [(line["sku"], line["quantity"], line["account_code"]) for line in event["lines"]] == [
        ("W-1", "3", "4000"),
        (None, "1", "4000"),
    ]

    first = ok(
        pay(
            client,
            tenant,
            "100.00",
            [{"invoice_id": draft["id"], "amount": "100.00"}],
            partner_id=draft["partner_id"],
        ),
        201,
    )
    partly = ok(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers))
    assert (partly["state"], partly["amount_paid"], partly["residual"]) == (
        "partially_paid",
        "100.00",
        "310.00",
    )
    assert outbox(url, tenant.id, "finance.invoice.paid.v1") == []

    ok(
        pay(
            client,
            tenant,
            "310.00",
            [{"invoice_id": draft["id"], "amount": "310.00"}],
            partner_id=draft["partner_id"],
        ),
        201,
    )
    paid = ok(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers))
    assert (paid["state"], paid["residual"]) == ("paid", "0.00")
    [paid_event] = outbox(url, tenant.id, "finance.invoice.paid.v1")
    assert paid_event["id"] == draft["id"] and paid_event["total"] == "410.00"
    received = outbox(url, tenant.id, "finance.payment.received.v1")
    assert [r["id"] for r in received][0] == first["id"]
    assert received[0]["allocations"] == [{"invoice_id": draft["id"], "amount": "100.00"}]

    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "1100", "EUR") == 0  # the receivable is cleared
    assert balance_of(report, "1000", "EUR") == Decimal("410.00")

    listed = ok(client.get(f"{API}/payments", headers=tenant.headers))["items"]
    assert [(p["amount"], p["allocations"][0]["amount"]) for p in listed] == [
        ("100.00", "100.00"),
        ("310.00", "310.00"),
    ]
    problem(
        pay(
            client,
            tenant,
            "1.00",
            [{"invoice_id": draft["id"], "amount": "1.00"}],
            partner_id=draft["partner_id"],
        ),
        409,
    )


def test_a_posted_invoice_is_never_edited_nor_cancelled(client, tenant):
    draft = invoice(client, tenant)
    changed = ok(
        client.put(
            f"{API}/invoices/{draft['id']}",
            json={
                "partner_name": "Acme",
                "lines": [{"description": "More", "unit_price": "80.00"}],
            },
            headers=tenant.headers,
        )
    )
    assert changed["total"] == "80.00"
    post(client, tenant, draft["id"])

    refused = problem(
        client.put(
            f"{API}/invoices/{draft['id']}",
            json={"partner_name": "Acme", "lines": [{"description": "Less", "unit_price": "1.00"}]},
            headers=tenant.headers,
        ),
        409,
    )
    assert "only drafts" in refused["detail"]
    problem(client.post(f"{API}/invoices/{draft['id']}/cancel", headers=tenant.headers), 409)
    problem(client.post(f"{API}/invoices/{draft['id']}/post", headers=tenant.headers), 409)
    unchanged = ok(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers))
    assert (unchanged["state"], unchanged["total"]) == ("posted", "80.00")


def test_a_draft_is_cancelled_and_stays_out_of_the_books(client, tenant):
    draft = invoice(client, tenant)
    cancelled = ok(client.post(f"{API}/invoices/{draft['id']}/cancel", headers=tenant.headers))
    assert cancelled["state"] == "cancelled"
    problem(client.post(f"{API}/invoices/{draft['id']}/post", headers=tenant.headers), 409)
    assert trial_balance(client, tenant)["rows"] == []


def test_a_credit_note_reverses_the_invoice_it_references(client, url, tenant):
    tax = sales_tax(client, tenant)
    original = invoice(
        client,
        tenant,
        lines=[{"description": "Licence", "unit_price": "200.00", "tax_id": tax["id"]}],
    )
    post(client, tenant, original["id"])
    problem(
        client.post(
            f"{API}/invoices/{original['id']}/credit-note",
            json={},
            headers=make_tenant(url).headers,
        ),
        404,
    )

    note = ok(
        client.post(
            f"{API}/invoices/{original['id']}/credit-note",
            json={"reason": "Returned"},
            headers=tenant.headers,
        ),
        201,
    )
    assert (note["kind"], note["state"], note["reversal_of"]) == (
        "credit_note",
        "draft",
        original["id"],
    )
    assert note["total"] == "240.00"
    posted = post(client, tenant, note["id"])
    assert posted["number"] == f"RINV/{date.today().year}/00001"

    reversed_ = ok(client.get(f"{API}/invoices/{original['id']}", headers=tenant.headers))
    assert (reversed_["state"], reversed_["residual"]) == ("reversed", "0.00")
    report = trial_balance(client, tenant)
    assert_balanced(report)
    for code in ("1100", "4000", "2200"):
        assert balance_of(report, code, "EUR") == 0
    kinds = [e["kind"] for e in outbox(url, tenant.id, "finance.invoice.posted.v1")]
    assert kinds == ["invoice", "credit_note"]
    problem(
        client.post(f"{API}/invoices/{note['id']}/credit-note", json={}, headers=tenant.headers),
        409,
    )
    problem(
        client.post(
            f"{API}/invoices/{original['id']}/credit-note", json={}, headers=tenant.headers
        ),
        409,
    )


def test_a_bill_books_expense_and_input_tax_against_the_payable(client, tenant):
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    purchase = next(t for t in taxes if t["scope"] == "purchase")
    sale = next(t for t in taxes if t["scope"] == "sale")
    wrong = client.post(
        f"{API}/invoices",
        headers=tenant.headers,
        json={
            "kind": "bill",
            "partner_name": "Supplier",
            "lines": [{"description": "Paper", "unit_price": "10.00", "tax_id": sale["id"]}],
        },
    )
    assert problem(wrong, 422)["errors"][0]["key"] == "lines[0].tax_id"
    bill = ok(
        client.post(
            f"{API}/invoices",
            headers=tenant.headers,
            json={
                "kind": "bill",
                "partner_name": "Supplier",
                "lines": [
                    {"description": "Paper", "unit_price": "10.00", "tax_id": purchase["id"]}
                ],
            },
        ),
        201,
    )
    posted = post(client, tenant, bill["id"])
    assert posted["number"].startswith("BILL/")
    problem(
        pay(
            client,
            tenant,
            "12.00",
            [{"invoice_id": bill["id"], "amount": "12.00"}],
            partner_id=bill["partner_id"],
        ),
        422,
    )  # inbound cannot settle a bill
    ok(
        pay(
            client,
            tenant,
            "12.00",
            [{"invoice_id": bill["id"], "amount": "12.00"}],
            partner_id=bill["partner_id"],
            direction="outbound",
        ),
        201,
    )
    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "6000", "EUR") == Decimal("10.00")
    assert balance_of(report, "1300", "EUR") == Decimal("2.00")
    assert balance_of(report, "2000", "EUR") == 0
    assert balance_of(report, "1000", "EUR") == Decimal("-12.00")


def test_tax_included_in_prices_is_split_out(client, tenant):
    tax = ok(
        client.post(
            f"{API}/taxes",
            headers=tenant.headers,
            json={
                "name": "VAT 20% incl.",
                "rate": "20",
                "price_include": True,
                "account_code": "2200",
            },
        ),
        201,
    )
    draft = invoice(
        client,
        tenant,
        lines=[
            {"description": "Ticket", "unit_price": "120.00", "tax_id": tax["id"]},
        ],
    )
    assert (draft["untaxed_total"], draft["tax_total"], draft["total"]) == (
        "100.00",
        "20.00",
        "120.00",
    )


def test_payments_refuse_bad_allocations(client, url, tenant):
    draft = invoice(client, tenant)
    partner = draft["partner_id"]
    allocation = [{"invoice_id": draft["id"], "amount": "10.00"}]
    problem(pay(client, tenant, "10.00", allocation, partner_id=partner), 409)  # still a draft
    post(client, tenant, draft["id"])
    too_much = problem(
        pay(
            client,
            tenant,
            "500.00",
            [{"invoice_id": draft["id"], "amount": "500.00"}],
            partner_id=partner,
        ),
        422,
    )
    assert too_much["errors"][0]["key"] == "allocations[0].amount"
    over = problem(pay(client, tenant, "5.00", allocation, partner_id=partner), 422)
    assert over["errors"][0]["key"] == "allocations"
    other = problem(pay(client, tenant, "10.00", allocation, partner_name="Someone else"), 422)
    assert other["errors"][0]["key"] == "allocations[0].invoice_id"
    assert (
        problem(pay(client, tenant, "-1", [], partner_id=partner), 422)["errors"][0]["key"]
        == "amount"
    )
    assert (
        ok(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers))["amount_paid"]
        == "0.00"
    )


def test_multi_currency_invoice_realises_the_exchange_difference(client, tenant):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    draft = invoice(client, tenant, currency="USD", date=yesterday)
    problem(client.post(f"{API}/invoices/{draft['id']}/post", headers=tenant.headers), 422)
    ok(
        client.post(
            f"{API}/rates",
            json={"currency": "USD", "rate": "0.90", "date": yesterday},
            headers=tenant.headers,
        ),
        201,
    )
    posted = post(client, tenant, draft["id"])
    assert (posted["currency"], posted["rate"], posted["total"]) == ("USD", "0.9", "100.00")
    ok(
        client.post(
            f"{API}/rates", json={"currency": "USD", "rate": "0.95"}, headers=tenant.headers
        ),
        201,
    )
    ok(
        pay(
            client,
            tenant,
            "100.00",
            [{"invoice_id": draft["id"], "amount": "100.00"}],
            partner_id=draft["partner_id"],
            currency="USD",
        ),
        201,
    )

    usd = trial_balance(client, tenant)
    assert_balanced(usd)
    assert balance_of(usd, "1100", "USD") == 0
    assert balance_of(usd, "1000", "USD") == Decimal("100.00")
    company = trial_balance(client, tenant, basis="company")
    assert_balanced(company)
    assert list(company["totals"]) == ["EUR"]
    assert balance_of(company, "1100", "EUR") == 0  # cleared at the invoice's rate
    assert balance_of(company, "1000", "EUR") == Decimal("95.00")
    assert balance_of(company, "4950", "EUR") == Decimal("-5.00")  # a 5.00 gain


def test_multi_currency_off_keeps_documents_in_the_base_currency(client, tenant):
    switched = client.put(
        "/api/v1/features/finance.multi_currency", json={"enabled": False}, headers=tenant.headers
    )
    assert switched.status_code == 200, switched.text
    refused = client.post(
        f"{API}/invoices",
        headers=tenant.headers,
        json={
            "partner_name": "Acme",
            "currency": "USD",
            "lines": [{"description": "x", "unit_price": "1.00"}],
        },
    )
    assert problem(refused, 422)["errors"][0]["key"] == "currency"
    problem(client.get(f"{API}/rates", headers=tenant.headers), 404)
    problem(
        client.post(
            f"{API}/invoices",
            headers=tenant.headers,
            json={
                "partner_name": "Acme",
                "currency": "ZZZ",
                "lines": [{"description": "x", "unit_price": "1.00"}],
            },
        ),
        422,
    )


def test_another_tenants_documents_answer_404(client, url, tenant):
    draft = invoice(client, tenant)
    other = make_tenant(url)
    for method, path in (
        ("GET", f"/invoices/{draft['id']}"),
        ("POST", f"/invoices/{draft['id']}/post"),
        ("POST", f"/invoices/{draft['id']}/cancel"),
        ("GET", f"/partners/{draft['partner_id']}"),
    ):
        problem(client.request(method, f"{API}{path}", headers=other.headers), 404)
    assert ok(client.get(f"{API}/invoices", headers=other.headers))["items"] == []
    assert (
        ok(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers))["state"] == "draft"
    )
    problem(
        pay(
            client,
            other,
            "10.00",
            [{"invoice_id": draft["id"], "amount": "10.00"}],
            partner_name="Acme",
        ),
        422,
    )


def test_invoice_lists_page_with_a_cursor(client, tenant):
    made = [invoice(client, tenant)["id"] for _ in range(3)]
    first = ok(client.get(f"{API}/invoices", params={"limit": 2}, headers=tenant.headers))
    assert [i["id"] for i in first["items"]] == made[:2]
    rest = ok(
        client.get(
            f"{API}/invoices",
            params={"limit": 2, "cursor": first["next_cursor"]},
            headers=tenant.headers,
        )
    )
    assert [i["id"] for i in rest["items"]] == made[2:] and rest["next_cursor"] is None
    drafts = ok(client.get(f"{API}/invoices", params={"state": "draft"}, headers=tenant.headers))
    assert len(drafts["items"]) == 3


def test_a_vendor_credit_note_reverses_a_bill(client, tenant):
    bill = ok(
        client.post(
            f"{API}/invoices",
            headers=tenant.headers,
            json={
                "kind": "bill",
                "partner_name": "Supplier",
                "lines": [{"description": "Chairs", "unit_price": "70.00"}],
            },
        ),
        201,
    )
    post(client, tenant, bill["id"])
    note = ok(
        client.post(
            f"{API}/invoices/{bill['id']}/credit-note", json={"post": True}, headers=tenant.headers
        ),
        201,
    )
    assert (note["direction"], note["state"]) == ("purchase", "paid")
    assert note["number"] == f"RBILL/{date.today().year}/00001"
    assert (
        ok(client.get(f"{API}/invoices/{bill['id']}", headers=tenant.headers))["state"]
        == "reversed"
    )
    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "2000", "EUR") == 0 and balance_of(report, "6000", "EUR") == 0


def test_crediting_a_paid_invoice_leaves_a_credit_refunded_by_an_outbound_payment(client, tenant):
    sale = invoice(client, tenant)
    post(client, tenant, sale["id"])
    ok(
        pay(
            client,
            tenant,
            "100.00",
            [{"invoice_id": sale["id"], "amount": "100.00"}],
            partner_id=sale["partner_id"],
        ),
        201,
    )
    note = ok(
        client.post(
            f"{API}/invoices/{sale['id']}/credit-note", json={"post": True}, headers=tenant.headers
        ),
        201,
    )
    assert (note["state"], note["residual"]) == ("posted", "100.00")
    assert ok(client.get(f"{API}/invoices/{sale['id']}", headers=tenant.headers))["state"] == "paid"
    ok(
        pay(
            client,
            tenant,
            "100.00",
            [{"invoice_id": note["id"], "amount": "100.00"}],
            partner_id=sale["partner_id"],
            direction="outbound",
        ),
        201,
    )
    assert ok(client.get(f"{API}/invoices/{note['id']}", headers=tenant.headers))["state"] == "paid"
    report = trial_balance(client, tenant)
    assert_balanced(report)
    assert balance_of(report, "1100", "EUR") == 0 and balance_of(report, "1000", "EUR") == 0


def test_a_credit_note_at_another_rate_realises_the_exchange_difference(client, tenant):
    yesterday = (date.today() - timedelta(days=1)).isoformat()
    for day, rate in ((yesterday, "0.90"), (date.today().isoformat(), "0.95")):
        ok(
            client.post(
                f"{API}/rates",
                json={"currency": "USD", "rate": rate, "date": day},
                headers=tenant.headers,
            ),
            201,
        )
    sale = invoice(client, tenant, currency="USD", date=yesterday)
    post(client, tenant, sale["id"])
    note = ok(
        client.post(
            f"{API}/invoices/{sale['id']}/credit-note", json={"post": True}, headers=tenant.headers
        ),
        201,
    )
    assert note["rate"] == "0.95"
    assert (
        ok(client.get(f"{API}/invoices/{sale['id']}", headers=tenant.headers))["state"]
        == "reversed"
    )
    company = trial_balance(client, tenant, basis="company")
    assert_balanced(company)
    assert balance_of(company, "1100", "EUR") == 0
    assert balance_of(company, "4000", "EUR") == Decimal("5.00")  # 90.00 sold, 95.00 credited
    assert balance_of(company, "4950", "EUR") == Decimal("-5.00")  # realised gain
    usd = trial_balance(client, tenant)
    assert_balanced(usd)
    assert balance_of(usd, "1100", "USD") == 0
