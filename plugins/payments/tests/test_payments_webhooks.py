"""Forged, unsigned, stale and replayed webhooks change nothing; a payment the provider's
API does not confirm for the amount asked is not recorded."""

from __future__ import annotations

import time
from typing import Any
from uuid import UUID

from nexus.testing import outbox_events
from payments_fakes import FakePaystack
from payments_helpers import API, accounts, ok, open_checkout, sql, visit, webhook

CONFIRMED = "payments.payment.confirmed.v1"


def _payments(client: Any, tenant: Any) -> list[Any]:
    items: list[Any] = ok(client.get(f"{API}/payments", headers=tenant.headers))["items"]
    return items


def _stripe_paid(client: Any, tenant: Any, fakes: Any) -> str:
    opened = open_checkout(client, tenant, "stripe")
    session = visit(client, opened["url"]).rsplit("/", 1)[1]
    fakes["stripe"].pay(session, fee=390)
    return session


def test_forged_and_unsigned_webhooks_are_refused(
    client: Any, tenant: Any, payments_db: str, fakes: Any
) -> None:
    accounts(client, tenant)
    session = _stripe_paid(client, tenant, fakes)
    body, headers = fakes["stripe"].webhook(session, secret="whsec_" + "00" * 16)
    assert webhook(client, tenant, "stripe", (body, headers)).status_code == 403
    assert webhook(client, tenant, "stripe", (body, {})).status_code == 401
    opened = open_checkout(client, tenant, "paystack")
    visit(client, opened["url"])
    fakes["paystack"].pay(opened["checkout_id"], fees=100)
    forged = fakes["paystack"].webhook(opened["checkout_id"], secret="sk_test_wrong")
    assert webhook(client, tenant, "paystack", forged).status_code == 403
    body, headers = fakes["paystack"].webhook(opened["checkout_id"])
    tampered = body.replace(b'"status": "success"', b'"status": "success" ')
    assert webhook(client, tenant, "paystack", (tampered, headers)).status_code == 403
    opened = open_checkout(client, tenant, "flutterwave")
    visit(client, opened["url"])
    transaction = fakes["flutterwave"].pay(opened["checkout_id"], app_fee="1.40")
    forged = fakes["flutterwave"].webhook(transaction, secret="guessed-hash")
    assert webhook(client, tenant, "flutterwave", forged).status_code == 403
    body, _ = fakes["flutterwave"].webhook(transaction)
    assert webhook(client, tenant, "flutterwave", (body, {})).status_code == 401
    assert _payments(client, tenant) == []
    assert outbox_events(payments_db, tenant, CONFIRMED) == []


def test_a_stale_stripe_signature_is_refused(client: Any, tenant: Any, fakes: Any) -> None:
    accounts(client, tenant)
    session = _stripe_paid(client, tenant, fakes)
    stale = fakes["stripe"].webhook(session, at=int(time.time()) - 301)
    assert webhook(client, tenant, "stripe", stale).status_code == 403
    assert _payments(client, tenant) == []


def test_a_replayed_webhook_changes_nothing(
    client: Any, tenant: Any, payments_db: str, fakes: Any
) -> None:
    accounts(client, tenant)
    session = _stripe_paid(client, tenant, fakes)
    signed = fakes["stripe"].webhook(session)
    assert ok(webhook(client, tenant, "stripe", signed))["outcome"] == "confirmed"
    assert ok(webhook(client, tenant, "stripe", signed))["outcome"] == "duplicate"
    # Another event about the same session (Stripe's async_payment_succeeded) pays nothing.
    again = fakes["stripe"].webhook(session, kind="checkout.session.async_payment_succeeded")
    assert ok(webhook(client, tenant, "stripe", again))["outcome"] == "already paid"
    assert len(_payments(client, tenant)) == 1
    assert len(outbox_events(payments_db, tenant, CONFIRMED)) == 1


def test_a_payment_the_api_does_not_confirm_is_not_recorded(
    client: Any, tenant: Any, payments_db: str, fakes: Any
) -> None:
    accounts(client, tenant)
    opened = open_checkout(client, tenant, "paystack")
    visit(client, opened["url"])
    # Signed with the right key, but the transaction was never paid: verify says abandoned.
    unpaid = fakes["paystack"].webhook(opened["checkout_id"])
    answer = ok(webhook(client, tenant, "paystack", unpaid))
    assert answer["outcome"] == "failed"
    checkout = ok(client.get(f"{API}/checkouts/{opened['checkout_id']}", headers=tenant.headers))
    assert checkout["status"] == "failed"
    [failed] = outbox_events(payments_db, tenant, "payments.payment.failed.v1")
    assert failed.data["checkout_id"] == opened["checkout_id"]
    # Stripe: the card was charged less than asked. The webhook is genuine, the amount not.
    session = visit(client, open_checkout(client, tenant, "stripe")["url"]).rsplit("/", 1)[1]
    fakes["stripe"].pay(session, fee=10, amount=100)
    outcome = ok(webhook(client, tenant, "stripe", fakes["stripe"].webhook(session)))["outcome"]
    assert outcome.startswith("refused: paid 1")
    assert _payments(client, tenant) == []
    assert outbox_events(payments_db, tenant, CONFIRMED) == []


def test_another_tenants_webhook_secret_does_not_open_this_tenant(
    client: Any, tenant: Any, other: Any, fakes: Any
) -> None:
    accounts(client, tenant)
    ok(
        client.put(
            f"{API}/accounts/paystack",
            json={"keys": {"secret_key": "sk_test_other_tenant"}},
            headers=other.headers,
        )
    )
    opened = open_checkout(client, tenant, "paystack")
    visit(client, opened["url"])
    fakes["paystack"].pay(opened["checkout_id"], fees=100)
    body, _ = fakes["paystack"].webhook(opened["checkout_id"])
    # Signed with the other tenant's key, sent to this tenant's endpoint: refused.
    signed = (body, FakePaystack.sign(body, "sk_test_other_tenant"))
    assert webhook(client, tenant, "paystack", signed).status_code == 403
    # Sent to the other tenant's endpoint: it has no such checkout.
    outcome = ok(webhook(client, other, "paystack", signed))["outcome"]
    assert outcome == "unknown checkout"
    assert _payments(client, tenant) == [] and _payments(client, other) == []


def test_a_late_payment_of_an_expired_checkout_is_kept_and_closes_the_newer_one(
    client: Any, tenant: Any, payments_db: str, fakes: Any
) -> None:
    accounts(client, tenant)
    first = open_checkout(client, tenant, "paystack", source_ref="order-late")
    visit(client, first["url"])
    expire = "update payments_checkout set expires_at = now() - interval '1 second' where id = $1"
    sql(payments_db, expire, UUID(first["checkout_id"]))
    second = open_checkout(client, tenant, "paystack", source_ref="order-late")
    assert second["checkout_id"] != first["checkout_id"]
    # The customer still had the first page open and paid there.
    fakes["paystack"].pay(first["checkout_id"], fees=100)
    signed = fakes["paystack"].webhook(first["checkout_id"])
    assert ok(webhook(client, tenant, "paystack", signed))["outcome"] == "confirmed"
    shown = ok(client.get(f"{API}/checkouts/{second['checkout_id']}", headers=tenant.headers))
    assert shown["status"] == "expired"
    retry = open_checkout(client, tenant, "paystack", source_ref="order-late")
    assert (retry["checkout_id"], retry["status"]) == (first["checkout_id"], "paid")
