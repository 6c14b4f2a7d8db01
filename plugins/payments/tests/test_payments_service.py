"""``payments.checkouts.create``: one checkout per source reference, a link, currencies."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from payments_helpers import sql

SERVICE = "/api/v1/caller/checkout"


def _request(**overrides: Any) -> dict[str, Any]:
    return {
        "source": "shop",
        "source_ref": "order-1",
        "amount": "150.00",
        "currency": "NGN",
        "description": "Order 1",
        "customer": {"email": "ada@example.com", "name": "Ada", "phone": None},
        **overrides,
    }


def test_without_an_account_the_currency_is_named(client: Any, tenant: Any) -> None:
    answer = client.post(SERVICE, json=_request(), headers=tenant.headers)
    assert answer.status_code == 409, answer.text
    assert "NGN" in answer.json()["detail"]


def _paystack(client: Any, tenant: Any, **extra: Any) -> None:
    keys = {"keys": {"secret_key": "sk_test_paystack"}, **extra}
    answer = client.put("/api/v1/payments/accounts/paystack", json=keys, headers=tenant.headers)
    assert answer.status_code == 200, answer.text


def test_a_retry_answers_the_first_checkout(client: Any, tenant: Any) -> None:
    _paystack(client, tenant)
    first = client.post(SERVICE, json=_request(), headers=tenant.headers)
    assert first.status_code == 200, first.text
    again = client.post(SERVICE, json=_request(amount="999"), headers=tenant.headers)
    assert again.json() == first.json()
    opened = first.json()
    assert opened["provider"] == "paystack"
    assert opened["status"] == "open"
    assert opened["url"].endswith(f"/api/v1/payments/pay/{tenant.slug}/{opened['checkout_id']}")
    other = client.post(SERVICE, json=_request(source_ref="order-2"), headers=tenant.headers)
    assert other.json()["checkout_id"] != opened["checkout_id"]


def test_a_provider_that_never_takes_the_currency_is_422(client: Any, tenant: Any) -> None:
    _paystack(client, tenant)
    answer = client.post(
        SERVICE, json=_request(currency="JPY", provider="paystack"), headers=tenant.headers
    )
    assert answer.status_code == 422, answer.text
    assert "JPY" in answer.text


def test_an_account_narrowed_to_some_currencies_refuses_the_others(
    client: Any, tenant: Any
) -> None:
    _paystack(client, tenant, currencies=["GHS"])
    answer = client.post(SERVICE, json=_request(currency="NGN"), headers=tenant.headers)
    assert answer.status_code == 409, answer.text
    assert "NGN" in answer.json()["detail"]
    assert client.post(SERVICE, json=_request(currency="GHS"), headers=tenant.headers).is_success


def test_a_method_the_provider_does_not_offer_is_422(client: Any, tenant: Any) -> None:
    keys = {"keys": {"secret_key": "sk_test_1", "webhook_secret": "whsec_1"}}
    put = client.put("/api/v1/payments/accounts/stripe", json=keys, headers=tenant.headers)
    assert put.status_code == 200, put.text
    answer = client.post(
        SERVICE,
        json=_request(currency="USD", provider="stripe", methods=["card", "mobile_money"]),
        headers=tenant.headers,
    )
    assert answer.status_code == 422, answer.text
    assert "mobile_money" in answer.text


def test_a_retry_after_the_checkout_expired_opens_a_new_one(
    client: Any, tenant: Any, payments_db: str
) -> None:
    _paystack(client, tenant)
    first = client.post(SERVICE, json=_request(), headers=tenant.headers).json()
    expire = "update payments_checkout set expires_at = now() - interval '1 second' where id = $1"
    sql(payments_db, expire, UUID(first["checkout_id"]))
    again = client.post(SERVICE, json=_request(), headers=tenant.headers).json()
    assert again["checkout_id"] != first["checkout_id"]
    [status] = sql(
        payments_db,
        "select status from payments_checkout where id = $1",
        UUID(first["checkout_id"]),
    )
    assert status["status"] == "expired"
