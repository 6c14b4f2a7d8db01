"""Inventory tests' shared helpers: requests, stock reads and raw SQL as the database owner."""

from __future__ import annotations

from typing import Any

import asyncpg
from nexus.testing import outbox_events, run_sync, set_plugin_settings

API = "/api/v1/inventory"


def sql(url: str, query: str, *args: Any) -> list[Any]:
    """Run a query as the database owner (no row-level security)."""

    async def run() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run_sync(run())


def keep_settings(url: str, tenant: Any, values: dict[str, Any]) -> None:
    """Keep the tenant's inventory settings, as a preset would (before or after enabling)."""
    set_plugin_settings(url, tenant, "inventory", values)


def outbox(url: str, tenant: Any, event_type: str) -> list[dict[str, Any]]:
    """The data of the tenant's events of ``event_type`` in the outbox, oldest first."""
    return [event.data for event in outbox_events(url, tenant, event_type)]


def create_product(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    body = {"name": "Widget", "cost_price": "10.00", "sale_price": "25.00", **fields}
    response = client.post(f"{API}/products", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


def move(client: Any, tenant: Any, **fields: Any) -> Any:
    body = {"validate": True, **fields}
    return client.post(f"{API}/moves", json=body, headers=tenant.headers)


def receive(client: Any, tenant: Any, product: dict[str, Any], quantity: str, cost: str) -> Any:
    response = move(
        client, tenant, kind="receipt", product_id=product["id"], quantity=quantity, unit_cost=cost
    )
    assert response.status_code == 201, response.text
    return response.json()


def stock(client: Any, tenant: Any, product: dict[str, Any]) -> dict[str, Any]:
    response = client.get(f"{API}/products/{product['id']}/stock", headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()
