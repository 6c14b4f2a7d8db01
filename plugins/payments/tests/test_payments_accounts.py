"""Provider accounts: keys encrypted at rest and never answered back; the pay link's states."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

from payments_helpers import API, KEYS, accounts, ok, open_checkout, sql, visit, webhook

if TYPE_CHECKING:
    import pytest


def test_keys_are_kept_encrypted_and_never_answered(
    client: Any, tenant: Any, payments_db: str
) -> None:
    accounts(client, tenant)
    listed = ok(client.get(f"{API}/accounts", headers=tenant.headers))
    assert [(a["provider"], a["default"]) for a in listed] == [
        ("flutterwave", False),
        ("paystack", False),
        ("stripe", True),
    ]
    assert KEYS["stripe"]["secret_key"] not in str(listed)
    stored = sql(
        payments_db, "select config_enc from payments_account where tenant_id = $1", tenant.id
    )
    assert len(stored) == 3
    assert all(KEYS["stripe"]["secret_key"] not in row[0] for row in stored)
    assert ok(client.post(f"{API}/accounts/rotate", headers=tenant.headers)) == {"rotated": 3}
    hook = ok(client.get(f"{API}/accounts/paystack/webhook", headers=tenant.headers))
    assert hook["url"].endswith(f"/api/v1/payments/webhooks/{tenant.slug}/paystack")


def test_bad_keys_and_currencies_are_refused(client: Any, tenant: Any) -> None:
    bad = client.put(
        f"{API}/accounts/stripe",
        json={"keys": {"secret_key": "pk_live_public"}},
        headers=tenant.headers,
    )
    assert bad.status_code == 422, bad.text
    body = {"keys": KEYS["paystack"], "currencies": ["JPY"]}
    refused = client.put(f"{API}/accounts/paystack", json=body, headers=tenant.headers)
    assert refused.status_code == 422
    assert "JPY" in refused.text


def test_without_payments_keys_the_account_routes_answer_409(
    client: Any, tenant: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("NEXUS_PAYMENTS_KEYS")
    body = {"keys": KEYS["paystack"]}
    answer = client.put(f"{API}/accounts/paystack", json=body, headers=tenant.headers)
    assert answer.status_code == 409
    assert "NEXUS_PAYMENTS_KEYS" in answer.json()["detail"]


def test_the_pay_link_of_a_paid_checkout_returns_the_customer(
    client: Any, tenant: Any, other: Any, fakes: Any
) -> None:
    accounts(client, tenant)
    opened = open_checkout(client, tenant, "stripe")
    session = visit(client, opened["url"]).rsplit("/", 1)[1]
    path = opened["url"].split("://", 1)[1].split("/", 1)[1]
    elsewhere = client.get(f"/{path}".replace(tenant.slug, other.slug), follow_redirects=False)
    assert elsewhere.status_code == 404
    fakes["stripe"].pay(session, fee=1)
    ok(webhook(client, tenant, "stripe", fakes["stripe"].webhook(session)))
    assert visit(client, opened["url"]) == "https://shop.example.com/thanks"
    done = ok(client.get(f"/{path}/done"))
    assert (done["status"], done["amount"], done["currency"]) == ("paid", "250", "NGN")


def test_an_expired_checkout_is_not_opened(client: Any, tenant: Any, payments_db: str) -> None:
    accounts(client, tenant)
    opened = open_checkout(client, tenant, "paystack")
    sql(
        payments_db,
        "update payments_checkout set expires_at = now() - interval '1 minute' where id = $1",
        UUID(opened["checkout_id"]),
    )
    path = "/" + opened["url"].split("://", 1)[1].split("/", 1)[1]
    assert client.get(path, follow_redirects=False).status_code == 409
    shown = ok(client.get(f"{API}/checkouts/{opened['checkout_id']}", headers=tenant.headers))
    assert shown["status"] == "expired"
    # The source may open a new one now.
    again = open_checkout(client, tenant, "paystack")
    assert again["checkout_id"] != opened["checkout_id"]
