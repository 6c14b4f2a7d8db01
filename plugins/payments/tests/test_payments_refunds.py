"""Refunds, full and partial, through each provider; the fees and payouts report; Finance
invoices' checkouts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

from nexus.testing import outbox_events
from payments_fake_finance import DOCUMENTS, Document
from payments_helpers import API, accounts, ok, open_checkout, sql, visit, webhook

REFUNDED = "payments.refund.completed.v1"


def _paid_by(client: Any, tenant: Any, fakes: Any, provider: str) -> dict[str, Any]:
    opened = open_checkout(client, tenant, provider, source_ref=f"refund-{provider}")
    page = visit(client, opened["url"])
    if provider == "stripe":
        session = page.rsplit("/", 1)[1]
        fakes["stripe"].pay(session, fee=390)
        signed = fakes["stripe"].webhook(session)
    elif provider == "paystack":
        fakes["paystack"].pay(opened["checkout_id"], fees=375)
        signed = fakes["paystack"].webhook(opened["checkout_id"])
    else:
        transaction = fakes["flutterwave"].pay(opened["checkout_id"], app_fee="3.50")
        signed = fakes["flutterwave"].webhook(transaction)
    assert ok(webhook(client, tenant, provider, signed))["outcome"] == "confirmed"
    [payment] = [
        p
        for p in ok(client.get(f"{API}/payments", headers=tenant.headers))["items"]
        if p["checkout_id"] == opened["checkout_id"]
    ]
    return payment


def _refund(client: Any, tenant: Any, payment: dict[str, Any], **body: Any) -> Any:
    path = f"{API}/payments/{payment['id']}/refunds"
    return client.post(path, json=body, headers=tenant.headers)


def test_stripe_partial_then_full_refund(
    client: Any, tenant: Any, payments_db: str, fakes: Any
) -> None:
    accounts(client, tenant)
    payment = _paid_by(client, tenant, fakes, "stripe")
    first = ok(_refund(client, tenant, payment, amount="100.00", reason="one item"), 201)
    assert (first["status"], Decimal(first["amount"])) == ("completed", Decimal(100))
    assert first["provider_ref"].startswith("re_")
    too_much = _refund(client, tenant, payment, amount="150.01")
    assert too_much.status_code == 422, too_much.text
    rest = ok(_refund(client, tenant, payment), 201)
    assert Decimal(rest["amount"]) == Decimal(150)
    assert _refund(client, tenant, payment).status_code == 409
    sent = [r.form() for r in fakes["stripe"].calls("POST", "/v1/refunds", payment["provider_ref"])]
    assert [s["amount"] for s in sent[-2:]] == ["10000", "15000"]
    assert {s["payment_intent"] for s in sent[-2:]} == {payment["provider_ref"]}
    shown = ok(client.get(f"{API}/payments/{payment['id']}", headers=tenant.headers))
    assert Decimal(shown["refunded"]) == Decimal(250)
    events = outbox_events(payments_db, tenant, REFUNDED)
    assert [Decimal(e.data["amount"]) for e in events] == [Decimal(100), Decimal(150)]
    assert {e.data["payment_id"] for e in events} == {payment["id"]}


def test_paystack_refund_completes_on_its_webhook(
    client: Any, tenant: Any, payments_db: str, fakes: Any
) -> None:
    accounts(client, tenant)
    payment = _paid_by(client, tenant, fakes, "paystack")
    pending = ok(_refund(client, tenant, payment, amount="50"), 201)
    assert pending["status"] == "pending"
    assert outbox_events(payments_db, tenant, REFUNDED) == []
    [sent] = fakes["paystack"].calls("POST", "/refund", payment["provider_ref"])
    assert sent.json() == {"transaction": payment["provider_ref"], "amount": 5000}
    signed = fakes["paystack"].refund_webhook(fakes["paystack"].refunds[-1])
    assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "refund completed"
    assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "duplicate"
    [event] = outbox_events(payments_db, tenant, REFUNDED)
    assert (event.data["refund_id"], event.data["amount"]) == (pending["id"], "50")


def test_flutterwave_refund_and_the_fees_report(client: Any, tenant: Any, fakes: Any) -> None:
    accounts(client, tenant)
    payment = _paid_by(client, tenant, fakes, "flutterwave")
    refund = ok(_refund(client, tenant, payment, amount="20.5"), 201)
    assert refund["status"] == "completed"
    [sent] = fakes["flutterwave"].calls("POST", "/v3/transactions/", payment["provider_ref"])
    assert sent.body == b'{"amount":20.5}'
    today = dt.datetime.now(dt.UTC).date().isoformat()
    report = ok(
        client.get(
            f"{API}/reports/fees",
            params={"date_from": today, "date_to": today},
            headers=tenant.headers,
        )
    )
    [line] = report["lines"]
    assert line["provider"] == "flutterwave"
    expected = {"gross": "250", "fees": "3.5", "net": "246.5", "refunded": "20.5"}
    assert {k: line[k] for k in expected} == expected
    assert line["payout"] == "226"


def test_a_refused_refund_gives_its_amount_back(client: Any, tenant: Any, fakes: Any) -> None:
    accounts(client, tenant)
    payment = _paid_by(client, tenant, fakes, "stripe")
    fakes["stripe"].refunds.append(
        {"payment_intent": payment["provider_ref"], "amount": 20000}  # refunded elsewhere
    )
    refused = _refund(client, tenant, payment, amount="100")
    assert refused.status_code == 424, refused.text
    assert "greater than unrefunded" in refused.json()["detail"]
    shown = ok(client.get(f"{API}/payments/{payment['id']}", headers=tenant.headers))
    assert Decimal(shown["refunded"]) == 0
    assert [r["status"] for r in shown["refunds"]] == ["failed"]


def test_a_checkout_for_a_finance_invoice(
    client: Any, tenant: Any, other: Any, payments_db: str
) -> None:
    accounts(client, tenant, "paystack")
    invoice_id = uuid4()
    DOCUMENTS[(UUID(str(tenant.id)), invoice_id)] = Document(
        id=invoice_id,
        kind="invoice",
        number="INV-2026-0007",
        state="partially_paid",
        partner_id=uuid4(),
        date=dt.date(2026, 12, 1),
        total=Decimal("1000.00"),
        amount_paid=Decimal("400.00"),
        residual=Decimal("600.00"),
        currency="NGN",
    )
    body = {"customer": {"email": "ada@example.com"}}
    link = f"{API}/invoices/{invoice_id}/checkout"
    made = ok(client.post(link, json=body, headers=tenant.headers), 201)
    assert (made["amount"], made["currency"], made["source"]) == ("600", "NGN", "finance")
    assert made["invoice_id"] == str(invoice_id)
    assert made["description"] == "Invoice INV-2026-0007"
    again = ok(client.post(link, json=body, headers=tenant.headers), 201)
    assert again["id"] == made["id"]
    assert client.post(link, json=body, headers=other.headers).status_code == 404
    assert client.get(f"{API}/checkouts/{made['id']}", headers=other.headers).status_code == 404
    unknown = client.post(f"{API}/invoices/{uuid4()}/checkout", json=body, headers=tenant.headers)
    assert unknown.status_code == 404
    sql(
        payments_db,
        "update payments_checkout set status = 'expired' where id = $1",
        UUID(made["id"]),
    )
    DOCUMENTS[(UUID(str(tenant.id)), invoice_id)].state = "paid"
    assert client.post(link, json=body, headers=tenant.headers).status_code == 409


def test_a_pending_stripe_refund_completes_on_refund_updated(
    client: Any, tenant: Any, payments_db: str, fakes: Any
) -> None:
    accounts(client, tenant)
    payment = _paid_by(client, tenant, fakes, "stripe")
    fakes["stripe"].refund_status = "pending"
    try:
        pending = ok(_refund(client, tenant, payment, amount="10"), 201)
    finally:
        fakes["stripe"].refund_status = "succeeded"
    assert pending["status"] == "pending"
    assert outbox_events(payments_db, tenant, REFUNDED) == []
    [refund] = [r for r in fakes["stripe"].refunds if r.get("id") == pending["provider_ref"]]
    signed = fakes["stripe"].refund_webhook(refund)
    assert ok(webhook(client, tenant, "stripe", signed))["outcome"] == "refund completed"
    [event] = outbox_events(payments_db, tenant, REFUNDED)
    assert event.data["refund_id"] == pending["id"]
