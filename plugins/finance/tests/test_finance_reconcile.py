"""Reconciliation: allocating after the fact, credit notes applied, un-reconciling, ageing."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

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
    sql,
    trial_balance,
)
from nexus.testing import make_tenant, set_plugin_settings

YEAR = date.today().year
DAY0 = date(YEAR, 2, 1)


def day(n: int) -> str:
    return (DAY0 + timedelta(days=n)).isoformat()


@pytest.fixture
def client(world):
    return world[0]


@pytest.fixture
def url(world):
    return world[1]


@pytest.fixture
def tenant(url):
    made = make_tenant(url)
    set_plugin_settings(url, made, "finance", {"country": "FR"})
    return made


def pay(client, tenant, amount, allocations=(), **fields) -> dict[str, Any]:
    body = {"amount": amount, "allocations": list(allocations), **fields}
    return ok(client.post(f"{API}/payments", json=body, headers=tenant.headers), 201)


def allocate(client, tenant, payment_id, *pairs, status=201, **fields):
    body = {"allocations": [{"invoice_id": i, "amount": a} for i, a in pairs], **fields}
    response = client.post(
        f"{API}/payments/{payment_id}/allocations", json=body, headers=tenant.headers
    )
    return ok(response, status) if status < 400 else problem(response, status)


def apply_credit(client, tenant, note_id, *pairs, status=201, **fields):
    body = {"allocations": [{"invoice_id": i, "amount": a} for i, a in pairs], **fields}
    response = client.post(
        f"{API}/invoices/{note_id}/allocations", json=body, headers=tenant.headers
    )
    return ok(response, status) if status < 400 else problem(response, status)


def show(client, tenant, invoice_id) -> dict[str, Any]:
    return ok(client.get(f"{API}/invoices/{invoice_id}", headers=tenant.headers))


def sale(client, tenant, amount, on, partner="Acme", **fields) -> dict[str, Any]:
    lines = [{"description": "Goods", "unit_price": amount}]
    draft = invoice(client, tenant, partner_name=partner, date=on, lines=lines, **fields)
    return post(client, tenant, draft["id"])


def test_a_payment_on_account_is_allocated_later_unreconciled_and_reallocated(client, url, tenant):
    first = sale(client, tenant, "100.00", day(0))
    second = sale(client, tenant, "30.00", day(0))
    payment = pay(client, tenant, "150.00", partner_id=first["partner_id"], date=day(1))
    assert payment["allocations"] == []
    items = ok(
        client.get(f"{API}/partners/{first['partner_id']}/open-items", headers=tenant.headers)
    )["items"]
    assert {(i["kind"], i["id"], i["open_amount"]) for i in items} == {
        ("invoice", first["id"], "100.00"),
        ("invoice", second["id"], "30.00"),
        ("payment", payment["id"], "150.00"),
    }

    part = allocate(client, tenant, payment["id"], (first["id"], "60.00"), date=day(2))
    assert [(a["invoice_id"], a["amount"], a["date"]) for a in part["allocations"]] == [
        (first["id"], "60.00", day(2))
    ]
    assert (
        show(client, tenant, first["id"])["state"],
        show(client, tenant, first["id"])["residual"],
    ) == (
        "partially_paid",
        "40.00",
    )
    allocate(client, tenant, payment["id"], (first["id"], "40.00"), (second["id"], "30.00"))
    assert show(client, tenant, first["id"])["state"] == "paid"
    assert show(client, tenant, second["id"])["state"] == "paid"

    # 20.00 is left: more is refused, naming the field; so is a settled document.
    third = sale(client, tenant, "50.00", day(3))
    refused = allocate(client, tenant, payment["id"], (third["id"], "25.00"), status=422)
    assert refused["errors"][0]["source"] == {"pointer": "/allocations"} or "allocations" in str(
        refused["errors"]
    )
    allocate(client, tenant, payment["id"], (first["id"], "1.00"), status=409)

    # Un-reconcile the first allocation: the invoice is open again, nothing else moves.
    first_allocation = part["allocations"][0]["id"]
    undone = ok(
        client.delete(
            f"{API}/payments/{payment['id']}/allocations/{first_allocation}",
            headers=tenant.headers,
        )
    )
    assert first_allocation not in {a["id"] for a in undone["allocations"]}
    assert len(undone["allocations"]) == 2
    reopened = show(client, tenant, first["id"])
    assert (reopened["state"], reopened["amount_paid"], reopened["paid_at"]) == (
        "partially_paid",
        "40.00",
        None,
    )
    assert show(client, tenant, second["id"])["state"] == "paid"
    problem(
        client.delete(
            f"{API}/payments/{payment['id']}/allocations/{first_allocation}",
            headers=tenant.headers,
        ),
        404,
    )
    # Re-allocate: 80.00 is free on the payment now (60 + 20).
    again = allocate(client, tenant, payment["id"], (first["id"], "60.00"), (third["id"], "20.00"))
    assert sum(Decimal(a["amount"]) for a in again["allocations"]) == Decimal("150.00")
    assert show(client, tenant, first["id"])["state"] == "paid"
    assert show(client, tenant, third["id"])["residual"] == "30.00"

    allocated = outbox(url, tenant.id, "finance.payment.allocated.v1")
    assert [(e["invoice_id"], e["amount"]) for e in allocated] == [
        (first["id"], "60.00"),
        (first["id"], "40.00"),
        (second["id"], "30.00"),
        (first["id"], "60.00"),
        (third["id"], "20.00"),
    ]
    assert {e["payment_id"] for e in allocated} == {payment["id"]}
    [unallocated] = outbox(url, tenant.id, "finance.payment.unallocated.v1")
    assert (unallocated["id"], unallocated["amount"], unallocated["currency"]) == (
        first_allocation,
        "60.00",
        "EUR",
    )
    assert_balanced(trial_balance(client, tenant))


def test_allocations_are_refused_when_they_cannot_settle(client, url, tenant):
    mine = sale(client, tenant, "100.00", day(0))
    theirs = sale(client, tenant, "100.00", day(0), partner="Other")
    draft = invoice(client, tenant, partner_name="Acme", date=day(0))
    payment = pay(client, tenant, "50.00", partner_id=mine["partner_id"], date=day(1))
    errors = allocate(
        client,
        tenant,
        payment["id"],
        (theirs["id"], "10.00"),
        (mine["id"], "10.001"),
        status=422,
    )["errors"]
    assert {e["key"] for e in errors} == {"allocations[1].amount"}
    errors = allocate(client, tenant, payment["id"], (theirs["id"], "10.00"), status=422)["errors"]
    assert {e["key"] for e in errors} == {"allocations[0].invoice_id"}
    allocate(client, tenant, payment["id"], (draft["id"], "10.00"), status=409)
    allocate(client, tenant, payment["id"], (mine["id"], "10.00"), date=day(0), status=422)
    allocate(client, tenant, payment["id"], (mine["id"], "60.00"), status=422)
    missing = "0192f5a0-0000-7000-8000-00000000dead"
    allocate(client, tenant, missing, (mine["id"], "10.00"), status=404)
    problem(
        client.delete(
            f"{API}/payments/{payment['id']}/allocations/{missing}", headers=tenant.headers
        ),
        404,
    )
    # Another tenant sees neither the payment nor the partner.
    other = make_tenant(url)
    body = {"allocations": [{"invoice_id": mine["id"], "amount": "10.00"}]}
    problem(
        client.post(
            f"{API}/payments/{payment['id']}/allocations", json=body, headers=other.headers
        ),
        404,
    )
    problem(
        client.get(f"{API}/partners/{mine['partner_id']}/open-items", headers=other.headers), 404
    )

    # A closed period takes no allocation and no un-reconciling.
    done = allocate(client, tenant, payment["id"], (mine["id"], "10.00"), date=day(2))
    periods = ok(client.get(f"{API}/periods", params={"limit": 200}, headers=tenant.headers))
    [february] = [p for p in periods["items"] if p["start_date"] <= day(40) <= p["end_date"]]
    ok(client.post(f"{API}/periods/{february['id']}/close", headers=tenant.headers))
    allocate(client, tenant, payment["id"], (mine["id"], "10.00"), date=day(40), status=409)
    problem(
        client.delete(
            f"{API}/payments/{payment['id']}/allocations/{done['allocations'][0]['id']}",
            params={"date": day(40)},
            headers=tenant.headers,
        ),
        409,
    )
    assert show(client, tenant, mine["id"])["amount_paid"] == "10.00"


def test_a_credit_note_is_due_on_issue_and_applied_to_a_later_invoice(client, url, tenant):
    paid = sale(client, tenant, "100.00", day(0))
    pay(
        client,
        tenant,
        "100.00",
        [{"invoice_id": paid["id"], "amount": "100.00"}],
        partner_id=paid["partner_id"],
        date=day(0),
    )
    note = ok(
        client.post(
            f"{API}/invoices/{paid['id']}/credit-note",
            json={"post": True, "date": day(5)},
            headers=tenant.headers,
        ),
        201,
    )
    assert (note["state"], note["due_date"], note["residual"]) == ("posted", day(5), "100.00")
    later = sale(client, tenant, "70.00", day(10))
    bill = ok(
        client.post(
            f"{API}/invoices",
            json={
                "kind": "bill",
                "partner_name": "Acme",
                "date": day(10),
                "lines": [{"description": "Rent", "unit_price": "10.00"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    post(client, tenant, bill["id"])
    errors = apply_credit(client, tenant, note["id"], (bill["id"], "10.00"), status=422)["errors"]
    assert errors[0]["key"] == "allocations[0].invoice_id"
    apply_credit(client, tenant, note["id"], (later["id"], "70.01"), status=422)
    apply_credit(client, tenant, later["id"], (paid["id"], "1.00"), status=409)

    applied = apply_credit(client, tenant, note["id"], (later["id"], "70.00"), date=day(11))
    assert (applied["state"], applied["residual"]) == ("partially_paid", "30.00")
    settled = show(client, tenant, later["id"])
    assert settled["state"] == "paid"
    [allocation] = settled["allocations"]
    assert (allocation["credit_note_id"], allocation["amount"], allocation["date"]) == (
        note["id"],
        "70.00",
        day(11),
    )
    assert show(client, tenant, paid["id"])["credit_notes"] == [
        {
            "id": note["id"],
            "number": note["number"],
            "state": "partially_paid",
            "date": day(5),
            "total": "100.00",
            "residual": "30.00",
        }
    ]

    # Un-reconciled from the invoice's side: both are open again.
    reopened = ok(
        client.delete(
            f"{API}/invoices/{later['id']}/allocations/{allocation['id']}",
            params={"date": day(12)},
            headers=tenant.headers,
        )
    )
    assert (reopened["state"], reopened["residual"], reopened["allocations"]) == (
        "posted",
        "70.00",
        [],
    )
    assert show(client, tenant, note["id"])["state"] == "posted"
    [event] = outbox(url, tenant.id, "finance.payment.unallocated.v1")
    assert (event["credit_note_id"], event["invoice_id"], event["date"]) == (
        note["id"],
        later["id"],
        day(12),
    )


def test_a_partial_credit_note_is_linked_and_settles_that_much(client, url, tenant):
    taxes = ok(client.get(f"{API}/taxes", headers=tenant.headers))["items"]
    tax = next(t for t in taxes if t["scope"] == "sale")
    draft = invoice(
        client,
        tenant,
        date=day(0),
        lines=[
            {
                "description": "Widgets",
                "quantity": "3",
                "unit_price": "100.00",
                "tax_id": tax["id"],
            },
            {"description": "Setup", "unit_price": "50.00"},
        ],
    )
    posted = post(client, tenant, draft["id"])
    assert posted["total"] == "410.00"
    widgets, setup = posted["lines"]
    credit = f"{API}/invoices/{posted['id']}/credit-note"
    bad = problem(
        client.post(
            credit,
            json={
                "lines": [
                    {"line_id": widgets["id"], "quantity": "4"},
                    {"line_id": setup["id"], "unit_price": "60.00"},
                    {"line_id": widgets["id"]},
                ]
            },
            headers=tenant.headers,
        ),
        422,
    )
    assert {e["key"] for e in bad["errors"]} == {
        "lines[0].quantity",
        "lines[1].unit_price",
        "lines[2].line_id",
    }
    note = ok(
        client.post(
            credit,
            json={
                "post": True,
                "date": day(3),
                "lines": [
                    {"line_id": widgets["id"], "quantity": "1"},
                    {"line_id": setup["id"], "unit_price": "20.00"},
                ],
            },
            headers=tenant.headers,
        ),
        201,
    )
    assert (note["total"], note["reversal_of"], note["due_date"]) == (
        "140.00",
        posted["id"],
        day(3),
    )
    assert [(line["quantity"], line["unit_price"]) for line in note["lines"]] == [
        ("1", "100.00"),
        ("1", "20.00"),
    ]
    assert note["state"] == "paid"  # fully used against its invoice
    detail = show(client, tenant, posted["id"])
    assert (detail["state"], detail["residual"]) == ("partially_paid", "270.00")
    assert [n["id"] for n in detail["credit_notes"]] == [note["id"]]
    assert [(a["credit_note_id"], a["amount"]) for a in detail["allocations"]] == [
        (note["id"], "140.00")
    ]
    # Crediting the whole document again would credit more than its total.
    problem(client.post(credit, json={}, headers=tenant.headers), 409)
    rest = ok(
        client.post(
            credit,
            json={
                "post": True,
                "date": day(3),
                "lines": [
                    {"line_id": widgets["id"], "quantity": "2"},
                    {"line_id": setup["id"], "unit_price": "30.00"},
                ],
            },
            headers=tenant.headers,
        ),
        201,
    )
    assert rest["total"] == "270.00"
    assert show(client, tenant, posted["id"])["state"] == "reversed"
    assert_balanced(trial_balance(client, tenant))


def test_a_foreign_payment_allocated_later_realises_the_difference_and_undoing_reverses_it(
    client, url, tenant
):
    for on, rate in ((day(0), "1.0"), (day(5), "1.2")):
        ok(
            client.post(
                f"{API}/rates",
                json={"currency": "USD", "rate": rate, "date": on},
                headers=tenant.headers,
            ),
            201,
        )
    usd = sale(client, tenant, "100.00", day(0), currency="USD")
    payment = pay(
        client, tenant, "100.00", partner_id=usd["partner_id"], currency="USD", date=day(5)
    )
    company = trial_balance(client, tenant, basis="company")
    assert balance_of(company, "1100", "EUR") == Decimal("-20.00")  # 100 in, 120 out
    done = allocate(client, tenant, payment["id"], (usd["id"], "100.00"), date=day(6))
    company = trial_balance(client, tenant, basis="company")
    assert_balanced(company)
    assert balance_of(company, "1100", "EUR") == 0
    assert balance_of(company, "4950", "EUR") == Decimal("-20.00")  # a realised gain
    assert balance_of(trial_balance(client, tenant), "1100", "USD") == 0

    [(entry_id,)] = sql(
        url,
        "select entry_id from finance_payment_allocation where tenant_id = $1",
        tenant.id,
    )
    entry = ok(client.get(f"{API}/entries/{entry_id}", headers=tenant.headers))
    assert (entry["journal_code"], entry["date"], entry["source"]) == (
        "MISC",
        day(6),
        "reconciliation",
    )
    ok(
        client.delete(
            f"{API}/payments/{payment['id']}/allocations/{done['allocations'][0]['id']}",
            params={"date": day(7)},
            headers=tenant.headers,
        )
    )
    company = trial_balance(client, tenant, basis="company")
    assert_balanced(company)
    assert balance_of(company, "1100", "EUR") == Decimal("-20.00")
    assert balance_of(company, "4950", "EUR") == 0
    [reversal] = sql(
        url,
        "select reversal_of, date from finance_entry where tenant_id = $1 and reversal_of = $2",
        tenant.id,
        entry_id,
    )
    assert reversal["date"].isoformat() == day(7)
    assert show(client, tenant, usd["id"])["state"] == "posted"

    # Allocated with the payment, undone afterwards: the difference is undone too.
    other = sale(client, tenant, "50.00", day(5), currency="USD")  # booked at 1.2
    ok(
        client.post(
            f"{API}/rates",
            json={"currency": "USD", "rate": "1.5", "date": day(8)},
            headers=tenant.headers,
        ),
        201,
    )
    with_it = pay(
        client,
        tenant,
        "50.00",
        [{"invoice_id": other["id"], "amount": "50.00"}],
        partner_id=usd["partner_id"],
        currency="USD",
        date=day(8),
    )
    assert balance_of(trial_balance(client, tenant, basis="company"), "4950", "EUR") == Decimal(
        "-15.00"
    )
    ok(
        client.delete(
            f"{API}/invoices/{other['id']}/allocations/{with_it['allocations'][0]['id']}",
            params={"date": day(9)},
            headers=tenant.headers,
        )
    )
    company = trial_balance(client, tenant, basis="company")
    assert_balanced(company)
    assert balance_of(company, "4950", "EUR") == 0
    assert balance_of(company, "1100", "EUR") == Decimal("-35.00")  # -20 - 75 + 60


def _receivable(url, tenant, account_subtype, partner_id, on) -> Decimal:
    [(balance,)] = sql(
        url,
        "select coalesce(sum(l.debit - l.credit), 0) from finance_entry_line l "
        "join finance_account a on a.id = l.account_id where l.tenant_id = $1 "
        "and a.subtype = $2 and l.partner_id = $3 and l.date <= $4",
        tenant.id,
        account_subtype,
        partner_id,
        on,
    )
    return balance


def test_aged_balances_equal_partner_balances_on_every_report_date(client, url, tenant):
    """Invoice, unallocated payment, later allocation, overpayment, credit note, refund."""
    first = sale(client, tenant, "100.00", day(0))
    partner = first["partner_id"]
    on_account = pay(client, tenant, "60.00", partner_id=partner, date=day(2))
    allocated = allocate(client, tenant, on_account["id"], (first["id"], "60.00"), date=day(4))
    over = pay(
        client,
        tenant,
        "150.00",
        [{"invoice_id": first["id"], "amount": "40.00"}],
        partner_id=partner,
        date=day(6),
    )
    second = sale(client, tenant, "80.00", day(8))
    ok(
        client.post(
            f"{API}/invoices/{second['id']}/credit-note",
            json={
                "post": True,
                "date": day(9),
                "lines": [{"line_id": second["lines"][0]["id"], "unit_price": "30.00"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    allocate(client, tenant, over["id"], (second["id"], "50.00"), date=day(10))
    note = ok(
        client.post(
            f"{API}/invoices/{first['id']}/credit-note",
            json={"post": True, "date": day(12)},
            headers=tenant.headers,
        ),
        201,
    )
    pay(
        client,
        tenant,
        "100.00",
        [{"invoice_id": note["id"], "amount": "100.00"}],
        partner_id=partner,
        direction="outbound",
        date=day(14),
    )
    ok(
        client.delete(
            f"{API}/payments/{on_account['id']}/allocations/{allocated['allocations'][0]['id']}",
            params={"date": day(16)},
            headers=tenant.headers,
        )
    )
    # A supplier too: a bill, a payment on account allocated later, a refund of its credit.
    bill = ok(
        client.post(
            f"{API}/invoices",
            json={
                "kind": "bill",
                "partner_name": "Landlord",
                "date": day(1),
                "lines": [{"description": "Rent", "unit_price": "300.00"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    bill = post(client, tenant, bill["id"])
    out = pay(
        client, tenant, "320.00", partner_id=bill["partner_id"], direction="outbound", date=day(3)
    )
    allocate(client, tenant, out["id"], (bill["id"], "300.00"), date=day(7))

    expected = {
        (partner, "receivable"): {
            day(0): "100.00",
            day(2): "40.00",
            day(4): "40.00",
            day(6): "-110.00",
            day(9): "-60.00",
            day(12): "-160.00",
            day(14): "-60.00",
            day(16): "-60.00",
        },
        (bill["partner_id"], "payable"): {day(1): "300.00", day(3): "-20.00", day(7): "-20.00"},
    }
    for offset in range(-1, 18):
        on = DAY0 + timedelta(days=offset)
        for name, subtype in (("aged-receivables", "receivable"), ("aged-payables", "payable")):
            report = ok(
                client.get(
                    f"{API}/reports/{name}",
                    params={"date_to": on.isoformat()},
                    headers=tenant.headers,
                )
            )
            totals = {row["partner_id"]: Decimal(row["total"]) for row in report["rows"]}
            for (partner_id, kind), figures in expected.items():
                if kind != subtype:
                    continue
                balance = _receivable(url, tenant, subtype, partner_id, on)
                if subtype == "payable":
                    balance = -balance
                aged = totals.get(partner_id, Decimal(0))
                assert aged == balance, f"{name} on {on}: aged {aged}, ledger {balance}"
                if on.isoformat() in figures:
                    assert aged == Decimal(figures[on.isoformat()]), f"{name} on {on}"
    final = ok(
        client.get(
            f"{API}/reports/aged-receivables",
            params={"date_to": day(20)},
            headers=tenant.headers,
        )
    )
    [row] = final["rows"]
    # The first invoice is open again for 60.00; the 60.00 on account, the over-payment's
    # 60.00 left and nothing else.
    assert row["total"] == "-60.00"


def test_concurrent_allocations_never_take_the_same_remainder_twice(client, url, tenant):
    payment_partner = sale(client, tenant, "100.00", day(0))
    documents = [payment_partner] + [sale(client, tenant, "100.00", day(0)) for _ in range(3)]
    payment = pay(client, tenant, "100.00", partner_id=payment_partner["partner_id"], date=day(1))

    def one(document: dict[str, Any]) -> int:
        body = {"allocations": [{"invoice_id": document["id"], "amount": "60.00"}]}
        return client.post(
            f"{API}/payments/{payment['id']}/allocations", json=body, headers=tenant.headers
        ).status_code

    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = sorted(pool.map(one, documents))
    assert statuses == [201, 422, 422, 422]
    [(allocated,)] = sql(
        url,
        "select sum(amount) from finance_payment_allocation where payment_id = $1",
        payment["id"],
    )
    assert allocated == Decimal("60.00")


def test_a_payment_in_one_currency_settles_a_document_in_another(client, url, tenant):
    for on, rate in ((day(0), "0.9"), (day(1), "0.92")):
        body = {"currency": "USD", "rate": rate, "date": on}
        ok(client.post(f"{API}/rates", json=body, headers=tenant.headers), 201)
    eur = sale(client, tenant, "90.00", day(0))
    usd = pay(client, tenant, "100.00", partner_id=eur["partner_id"], currency="USD", date=day(1))
    errors = allocate(client, tenant, usd["id"], (eur["id"], "100.00"), status=422)["errors"]
    assert [e["key"] for e in errors] == ["allocations[0].document_amount"]
    body = {
        "date": day(2),
        "allocations": [{"invoice_id": eur["id"], "amount": "100.00", "document_amount": "90.01"}],
    }
    path = f"{API}/payments/{usd['id']}/allocations"
    problem(client.post(path, json=body, headers=tenant.headers), 422)
    body["allocations"][0]["document_amount"] = "90.00"
    done = ok(client.post(path, json=body, headers=tenant.headers), 201)
    assert show(client, tenant, eur["id"])["state"] == "paid"
    assert show(client, tenant, eur["id"])["allocations"][0]["amount"] == "90.00"
    assert done["allocations"][0]["amount"] == "100.00"

    company = trial_balance(client, tenant, basis="company")
    assert_balanced(company)
    assert balance_of(company, "1100", "EUR") == 0  # 90 in, 92 paid, both cleared
    assert balance_of(company, "4950", "EUR") == Decimal("-2.00")
    assert balance_of(company, "3900", "EUR") == 0
    books = trial_balance(client, tenant)
    assert_balanced(books)
    assert (balance_of(books, "1100", "USD"), balance_of(books, "1100", "EUR")) == (0, 0)
    assert (balance_of(books, "3900", "USD"), balance_of(books, "3900", "EUR")) == (
        Decimal("-100.00"),
        Decimal("90.00"),
    )
    [event] = outbox(url, tenant.id, "finance.payment.allocated.v1")
    assert (event["amount"], event["currency"], event["document_amount"]) == (
        "100.00",
        "USD",
        "90.00",
    )
    assert event["document_currency"] == "EUR"

    for on, expected in ((day(1), {"EUR": "90.00", "USD": "-100.00"}), (day(2), {})):
        aged = ok(
            client.get(
                f"{API}/reports/aged-receivables", params={"date_to": on}, headers=tenant.headers
            )
        )
        assert {row["currency"]: row["total"] for row in aged["rows"]} == expected

    ok(
        client.delete(
            f"{path}/{done['allocations'][0]['id']}",
            params={"date": day(3)},
            headers=tenant.headers,
        )
    )
    assert show(client, tenant, eur["id"])["state"] == "posted"
    company = trial_balance(client, tenant, basis="company")
    assert_balanced(company)
    assert balance_of(company, "4950", "EUR") == 0
    books = trial_balance(client, tenant)
    assert (balance_of(books, "3900", "USD"), balance_of(books, "3900", "EUR")) == (0, 0)
    assert (balance_of(books, "1100", "USD"), balance_of(books, "1100", "EUR")) == (
        Decimal("-100.00"),
        Decimal("90.00"),
    )
