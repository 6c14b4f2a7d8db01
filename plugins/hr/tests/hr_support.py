"""HR tests' shared helpers: requests and raw SQL as the database owner."""

from __future__ import annotations

from typing import Any

import asyncpg
from nexus.testing import outbox_events, run_sync

API = "/api/v1/hr"


def sql(url: str, query: str, *args: Any) -> list[Any]:
    """Run a query as the database owner (no row-level security)."""

    async def run() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run_sync(run())


def outbox(url: str, tenant: Any, event_type: str) -> list[dict[str, Any]]:
    """The data of the tenant's events of ``event_type`` in the outbox, oldest first."""
    return [event.data for event in outbox_events(url, tenant, event_type)]


def hire(client: Any, tenant: Any, **fields: Any) -> dict[str, Any]:
    body = {"name": "Ada Lovelace", "hire_date": "2026-01-05", **fields}
    response = client.post(f"{API}/employees", json=body, headers=tenant.headers)
    assert response.status_code == 201, response.text
    return response.json()


def call(client: Any, tenant: Any, method: str, path: str, status: int, **kwargs: Any) -> Any:
    response = client.request(method, f"{API}{path}", headers=tenant.headers, **kwargs)
    assert response.status_code == status, response.text
    return response.json() if response.content else None
