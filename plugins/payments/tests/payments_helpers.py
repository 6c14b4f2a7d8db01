"""Helpers of the payments tests: accounts at the fakes, checkouts, the pay link."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import asyncpg
from nexus.testing import run_sync
from payments_fakes import FLW_HASH, FLW_KEY, PAYSTACK_KEY, STRIPE_KEY, STRIPE_WHSEC

__all__ = ("API", "KEYS", "accounts", "ok", "open_checkout", "sql", "visit", "webhook")

API = "/api/v1/payments"
KEYS = {
    "stripe": {"secret_key": STRIPE_KEY, "webhook_secret": STRIPE_WHSEC},
    "paystack": {"secret_key": PAYSTACK_KEY},
    "flutterwave": {"secret_key": FLW_KEY, "secret_hash": FLW_HASH},
}


def ok(response: Any, status: int = 200) -> Any:
    """The JSON of a response with ``status``; the body in the failure message otherwise."""
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json() if response.content else None


def accounts(client: Any, tenant: Any, *providers: str) -> None:
    """Accounts of ``providers`` (all three by default) with the fakes' keys."""
    for provider in providers or tuple(KEYS):
        body = {"keys": KEYS[provider], "default": provider == "stripe"}
        ok(client.put(f"{API}/accounts/{provider}", json=body, headers=tenant.headers))


def open_checkout(client: Any, tenant: Any, provider: str, **overrides: Any) -> dict[str, Any]:
    """A checkout through ``payments.checkouts.create`` (the stand-in caller)."""
    request = {
        "source": "shop",
        "source_ref": f"order-{provider}",
        "amount": "250.00",
        "currency": "NGN",
        "description": "Order 42",
        "customer": {"email": "ada@example.com", "name": "Ada Obi", "phone": "+2348000000000"},
        "provider": provider,
        "return_url": "https://shop.example.com/thanks",
        "metadata": {"order": "42"},
        **overrides,
    }
    answer: dict[str, Any] = ok(
        client.post("/api/v1/caller/checkout", json=request, headers=tenant.headers)
    )
    return answer


def visit(client: Any, url: str) -> str:
    """Follow a checkout link as the customer (no credentials); the provider's page."""
    answer = client.get(urlsplit(url).path, follow_redirects=False)
    assert answer.status_code == 303, answer.text
    return str(answer.headers["location"])


def webhook(client: Any, tenant: Any, provider: str, signed: tuple[bytes, dict[str, str]]) -> Any:
    """Deliver a provider's webhook to the tenant's endpoint, as the provider would."""
    body, headers = signed
    return client.post(f"{API}/webhooks/{tenant.slug}/{provider}", content=body, headers=headers)


def sql(url: str, query: str, *args: Any) -> list[Any]:
    """Run a query as the database owner (no row-level security)."""

    async def run() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run_sync(run())
