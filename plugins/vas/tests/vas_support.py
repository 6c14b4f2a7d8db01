"""Helpers of the VAS tests: credentials for the fakes, top-ups, purchases, callbacks."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from vas_fakes import AT_KEY, AT_USER, FLW_HASH, FLW_KEY, FakeProviders

VAS = "/api/v1/vas"


def ok(response: Any, status: int = 200) -> Any:
    """The JSON of ``response``, asserting its status."""
    assert response.status_code == status, (
        f"{response.request.method} {response.request.url}: {response.status_code} {response.text}"
    )
    return response.json() if response.content else None


def configure(client: Any, tenant: Any, fakes: FakeProviders) -> None:
    """Keep the tenant's Africa's Talking and Flutterwave credentials, pointing at the fakes."""
    at = {
        "username": AT_USER,
        "api_key": AT_KEY,
        "data_product": "Nexus Data",
        "base_url": fakes.base_url,
        "data_base_url": fakes.base_url,
    }
    ok(client.put(f"{VAS}/providers/africastalking", json=at, headers=tenant.headers))
    flw = {"secret_key": FLW_KEY, "secret_hash": FLW_HASH, "base_url": fakes.base_url}
    ok(client.put(f"{VAS}/providers/flutterwave", json=flw, headers=tenant.headers))


def fund(
    client: Any, tenant: Any, amount: str, *, currency: str = "KES", ref: str = "TOPUP-1"
) -> Any:
    """Record a top-up."""
    body = {"amount": amount, "currency": currency, "reference": ref}
    return ok(client.post(f"{VAS}/wallet/topups", json=body, headers=tenant.headers), 201)


def balance(client: Any, tenant: Any, currency: str = "KES") -> Decimal:
    """The wallet's balance in ``currency``."""
    wallets = ok(client.get(f"{VAS}/wallet", headers=tenant.headers))
    return next((Decimal(w["balance"]) for w in wallets if w["currency"] == currency), Decimal(0))


def entries(client: Any, tenant: Any) -> list[dict[str, Any]]:
    """The wallet's entries, oldest first."""
    return list(ok(client.get(f"{VAS}/wallet/entries", headers=tenant.headers))["items"])


def airtime(
    client: Any,
    tenant: Any,
    *,
    key: str,
    amount: str = "100",
    phone: str = "+254711000111",
    price: str | None = None,
) -> Any:
    """Buy airtime (resold for ``price``, if given); the raw response."""
    body = {"phone_number": phone, "amount": amount, "currency": "KES", "idempotency_key": key}
    if price is not None:
        body["price"] = price
    return client.post(f"{VAS}/airtime", json=body, headers=tenant.headers)


def at_callback_url(client: Any, tenant: Any) -> str:
    """The path of the tenant's Africa's Talking callback (with its token)."""
    url = ok(client.get(f"{VAS}/providers/africastalking/callback", headers=tenant.headers))["url"]
    return str(url).removeprefix("http://localhost:8000")


def at_callback(client: Any, path: str, *, request_id: str, status: str) -> Any:
    """Post Africa's Talking's airtime status callback (its documented fields, JSON)."""
    body = {
        "phoneNumber": "+254711000111",
        "description": "Airtime Delivered Successfully" if status == "Success" else "Failed",
        "status": status,
        "requestId": request_id,
        "discount": "KES 0.6000",
        "value": "KES 100.0000",
    }
    return client.post(path, json=body)


def transaction(client: Any, tenant: Any, transaction_id: str) -> Any:
    """One transaction."""
    return ok(client.get(f"{VAS}/transactions/{transaction_id}", headers=tenant.headers))
