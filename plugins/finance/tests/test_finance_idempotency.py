"""``Idempotency-Key`` on Finance writes: a retried payment is recorded, and published, once."""

from __future__ import annotations

from finance_support import API, invoice, ok, outbox, post, problem, trial_balance
from nexus.testing import make_tenant

RECEIVED = "finance.payment.received.v1"


def test_a_payment_retried_with_its_key_is_recorded_once(world):
    client, url = world
    tenant = make_tenant(url)
    posted = post(client, tenant, invoice(client, tenant)["id"])
    body = {
        "partner_id": posted["partner_id"],
        "amount": "40.00",
        "allocations": [{"invoice_id": posted["id"], "amount": "40.00"}],
    }
    headers = {**tenant.headers, "Idempotency-Key": "pay-acme-40"}

    first = client.post(f"{API}/payments", json=body, headers=headers)
    second = client.post(f"{API}/payments", json=body, headers=headers)

    assert first.status_code == second.status_code == 201, second.text
    assert first.json() == second.json()
    assert second.headers["idempotency-replayed"] == "true"
    payments = ok(client.get(f"{API}/payments", headers=tenant.headers))["items"]
    assert [p["id"] for p in payments] == [first.json()["id"]]
    assert [event["id"] for event in outbox(url, tenant.id, RECEIVED)] == [first.json()["id"]]
    paid = ok(client.get(f"{API}/invoices/{posted['id']}", headers=tenant.headers))
    assert (paid["state"], paid["amount_paid"], paid["residual"]) == (
        "partially_paid",
        "40.00",
        "60.00",
    )
    report = trial_balance(client, tenant)
    assert report["totals"]["EUR"]["debit"] == "140.00"  # the invoice 100, one payment 40

    other_body = {
        **body,
        "amount": "60.00",
        "allocations": [{**body["allocations"][0], "amount": "60.00"}],
    }
    reused = problem(client.post(f"{API}/payments", json=other_body, headers=headers), 422)
    assert reused["type"].endswith("/idempotency-key-reused")
    assert len(ok(client.get(f"{API}/payments", headers=tenant.headers))["items"]) == 1


def test_the_same_key_in_another_tenant_is_another_payment(world):
    client, url = world
    payments = []
    for tenant in (make_tenant(url), make_tenant(url)):
        posted = post(client, tenant, invoice(client, tenant)["id"])
        body = {
            "partner_id": posted["partner_id"],
            "amount": "100.00",
            "allocations": [{"invoice_id": posted["id"], "amount": "100.00"}],
        }
        headers = {**tenant.headers, "Idempotency-Key": "pay-in-full"}
        paid = client.post(f"{API}/payments", json=body, headers=headers)
        assert paid.status_code == 201, paid.text
        assert "idempotency-replayed" not in paid.headers
        payments.append(paid.json()["id"])
        assert (
            ok(client.get(f"{API}/invoices/{posted['id']}", headers=tenant.headers))["state"]
            == "paid"
        )
    assert payments[0] != payments[1]
