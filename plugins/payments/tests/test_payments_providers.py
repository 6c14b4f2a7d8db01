"""Each provider end to end against its fake: link → page → paid → signed webhook →
verified with the provider's API → one payment, one confirmed event."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from nexus.testing import outbox_events
from payments_helpers import API, accounts, ok, open_checkout, visit, webhook


def _paid(client: Any, tenant: Any, payments_db: str, checkout_id: str) -> dict[str, Any]:
    checkout = ok(client.get(f"{API}/checkouts/{checkout_id}", headers=tenant.headers))
    assert checkout["status"] == "paid"
    [payment] = ok(client.get(f"{API}/payments", headers=tenant.headers))["items"]
    [event] = outbox_events(payments_db, tenant, "payments.payment.confirmed.v1")
    assert event.data["payment_id"] == payment["id"]
    assert event.data["checkout_id"] == checkout_id
    assert event.data["source"] == "shop"
    assert event.data["metadata"] == {"order": "42"}
    return payment


def test_stripe_end_to_end(client: Any, tenant: Any, payments_db: str, fakes: Any) -> None:
    accounts(client, tenant)
    opened = open_checkout(client, tenant, "stripe")
    page = visit(client, opened["url"])
    assert page.startswith("https://checkout.stripe.com/c/pay/cs_test_")
    assert visit(client, opened["url"]) == page  # the same session on a second visit
    [created] = fakes["stripe"].calls("POST", "/v1/checkout/sessions", opened["checkout_id"])
    form = created.form()
    assert created.headers["authorization"].startswith("Bearer sk_test_")
    assert form["line_items[0][price_data][unit_amount]"] == "25000"
    assert form["line_items[0][price_data][currency]"] == "ngn"
    assert form["client_reference_id"] == opened["checkout_id"]
    session = page.rsplit("/", 1)[1]
    fakes["stripe"].pay(session, fee=390)
    answer = ok(webhook(client, tenant, "stripe", fakes["stripe"].webhook(session)))
    assert answer["outcome"] == "confirmed"
    payment = _paid(client, tenant, payments_db, opened["checkout_id"])
    assert payment["provider_ref"].startswith("pi_")
    assert (Decimal(payment["amount"]), Decimal(payment["fee"])) == (Decimal(250), Decimal("3.9"))
    assert Decimal(payment["net"]) == Decimal("246.1")


def test_paystack_end_to_end(client: Any, tenant: Any, payments_db: str, fakes: Any) -> None:
    accounts(client, tenant)
    opened = open_checkout(client, tenant, "paystack", methods=["card", "mobile_money"])
    page = visit(client, opened["url"])
    assert page.startswith("https://checkout.paystack.com/")
    [created] = fakes["paystack"].calls("POST", "/transaction/initialize", opened["checkout_id"])
    sent = created.json()
    assert sent["amount"] == "25000"
    assert sent["reference"] == opened["checkout_id"]
    assert sent["channels"] == ["card", "mobile_money"]
    fakes["paystack"].pay(opened["checkout_id"], fees=475, channel="mobile_money")
    signed = fakes["paystack"].webhook(opened["checkout_id"])
    assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "confirmed"
    payment = _paid(client, tenant, payments_db, opened["checkout_id"])
    assert payment["method"] == "mobile_money"
    assert Decimal(payment["fee"]) == Decimal("4.75")
    verified = fakes["paystack"].calls("GET", "/transaction/verify/", opened["checkout_id"])
    assert [r.path for r in verified] == [f"/transaction/verify/{opened['checkout_id']}"]


def test_flutterwave_end_to_end(client: Any, tenant: Any, payments_db: str, fakes: Any) -> None:
    accounts(client, tenant)
    opened = open_checkout(client, tenant, "flutterwave", amount="250.50", currency="GHS")
    page = visit(client, opened["url"])
    assert page.startswith("https://checkout.flutterwave.com/v3/hosted/pay/")
    [created] = fakes["flutterwave"].calls("POST", "/v3/payments", opened["checkout_id"])
    assert b'"amount":250.5,' in created.body  # a JSON number in major units
    transaction = fakes["flutterwave"].pay(opened["checkout_id"], app_fee="3.51")
    signed = fakes["flutterwave"].webhook(transaction)
    assert ok(webhook(client, tenant, "flutterwave", signed))["outcome"] == "confirmed"
    payment = _paid(client, tenant, payments_db, opened["checkout_id"])
    assert payment["provider_ref"] == str(transaction)
    assert (payment["currency"], Decimal(payment["fee"])) == ("GHS", Decimal("3.51"))
    paths = [
        r.path for r in fakes["flutterwave"].calls("GET", "/v3/transactions/", str(transaction))
    ]
    assert paths == [f"/v3/transactions/{transaction}/verify"]
