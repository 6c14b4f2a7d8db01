"""Helpers of the purchase tests: REST calls and the trial balance read through Finance."""

from __future__ import annotations

import time
from decimal import Decimal
from typing import Any

API = "/api/v1/purchase"
INVENTORY = "/api/v1/inventory"
FINANCE = "/api/v1/finance"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def post(client: Any, tenant: Any, path: str, body: Any = None, status: int = 201) -> Any:
    return ok(client.post(path, json=body, headers=tenant.headers), status)


def vendor(client: Any, tenant: Any, name: str = "Lagos Timber Ltd") -> dict[str, Any]:
    return post(client, tenant, f"{API}/vendors", {"name": name})


def product(client: Any, tenant: Any, sku: str = "DESK") -> dict[str, Any]:
    body = {
        "name": f"Product {sku}",
        "sku": sku,
        "cost_price": "0",
        "sale_price": "12500",
        "currency": "NGN",
    }
    return post(client, tenant, f"{INVENTORY}/products", body)


def confirmed_order(client: Any, tenant: Any, vendor_id: str, lines: list[dict[str, Any]]) -> Any:
    order = post(client, tenant, f"{API}/orders", {"vendor_id": vendor_id, "lines": lines})
    post(client, tenant, f"{API}/orders/{order['id']}/send", status=200)
    return post(client, tenant, f"{API}/orders/{order['id']}/confirm", status=200)


def balance(client: Any, tenant: Any, code: str, currency: str = "NGN") -> Decimal:
    """The signed balance (debit less credit) of an account in Finance's trial balance."""
    report = ok(client.get(f"{FINANCE}/reports/trial-balance", headers=tenant.headers))
    for row in report["rows"]:
        if row["account_code"] == code and row["currency"] == currency:
            return Decimal(row["debit_balance"]) - Decimal(row["credit_balance"])
    return Decimal(0)


def account_code(client: Any, tenant: Any, subtype: str) -> str:
    """The code of Finance's account of ``subtype``."""
    found = ok(client.get(f"{FINANCE}/accounts", params={"limit": 200}, headers=tenant.headers))
    return next(a["code"] for a in found["items"] if a["subtype"] == subtype)


def delivered(worker: Any, plugin: str, event_type: str, count: int, timeout: float = 30) -> None:
    """Wait until ``plugin``'s handlers were given ``count`` events of ``event_type``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if sum(1 for e in worker.deliveries(plugin) if e.type == event_type) >= count:
            return
        time.sleep(0.05)
    raise AssertionError(f"{plugin} was not given {count} × {event_type}")
