"""Shared helpers of the Finance tests: one app per module, a fresh tenant per test."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import asyncpg
from nexus.testing import outbox_events, run_sync

API = "/api/v1/finance"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    return response.json()


def problem(response: Any, status: int) -> dict[str, Any]:
    assert response.status_code == status, f"{response.status_code}: {response.text}"
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    return body


def sql(url: str, query: str, *args: Any) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run_sync(run())


def outbox(url: str, tenant_id: Any, event_type: str) -> list[dict[str, Any]]:
    """The data of the events of ``event_type`` a tenant published, oldest first."""
    return [event.data for event in outbox_events(url, tenant_id, event_type)]


def invoice(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    """Draft an invoice (one line of 100.00 to "Acme" unless told otherwise)."""
    body = {
        "partner_name": "Acme",
        "lines": [{"description": "Widgets", "quantity": "2", "unit_price": "50.00"}],
        **fields,
    }
    return ok(client.post(f"{API}/invoices", json=body, headers=tenant.headers), 201)


def post(client: Any, tenant: Any, invoice_id: str) -> dict[str, Any]:
    return ok(client.post(f"{API}/invoices/{invoice_id}/post", headers=tenant.headers))


def trial_balance(client: Any, tenant: Any, **params: str) -> dict[str, Any]:
    return ok(client.get(f"{API}/reports/trial-balance", params=params, headers=tenant.headers))


def balance_of(report: dict[str, Any], code: str, currency: str) -> Decimal:
    """The signed balance (debit less credit) of account ``code`` in ``currency`` in a trial
    balance (0 if absent)."""
    for row in report["rows"]:
        if row["account_code"] == code and row["currency"] == currency:
            return Decimal(row["debit_balance"]) - Decimal(row["credit_balance"])
    return Decimal(0)


def assert_balanced(report: dict[str, Any]) -> None:
    assert report["totals"], "the trial balance is empty"
    for currency, totals in report["totals"].items():
        assert totals["debit_balance"] == totals["credit_balance"], f"{currency} is off: {totals}"
        assert totals["debit"] == totals["credit"]


def wait_for(worker: Any, plugin: str, event_type: str, count: int = 1) -> None:
    """Wait (bounded, on the harness) until ``plugin`` handled ``count`` events of a type.

    Other tests' events (an invoice posted earlier, which Finance renders) may reach the
    worker first, so counting every handled event is not enough.
    """
    while sum(e.type == event_type for e in worker.deliveries(plugin)) < count:
        worker.wait_handled(plugin, len(worker.deliveries(plugin)) + 1)
