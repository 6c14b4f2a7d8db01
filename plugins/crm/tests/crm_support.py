"""Helpers for the CRM tests: the API prefix, owner-role SQL, the outbox, settings, problems."""

from __future__ import annotations

import json
from typing import Any

import asyncpg
from nexus.testing import outbox_events, run_sync

API = "/api/v1/crm"


def sql(url: str, query: str, *args: Any) -> list[Any]:
    """Run a query as the database owner (no row-level security)."""

    async def run() -> list[Any]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(query, *args))
        finally:
            await conn.close()

    return run_sync(run())


def outbox(url: str, tenant: Any, event_type: str) -> list[Any]:
    """The CloudEvents of ``event_type`` the tenant's transactions wrote, oldest first."""
    return outbox_events(url, tenant, event_type)


def keep_settings(url: str, tenant: Any, values: dict[str, Any]) -> None:
    """Store the tenant's CRM settings, as enabling the plugin from a preset does."""
    sql(
        url,
        "insert into nexus_plugin_enablement (tenant_id, plugin, settings) "
        "values ($1, 'crm', $2::jsonb) on conflict (tenant_id, plugin) "
        "do update set settings = excluded.settings",
        tenant.id,
        json.dumps(values),
    )


def errors_of(response: Any) -> dict[str, str]:
    """A 422 problem's errors as ``{field: message}``."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {item["key"]: item["message"] for item in response.json()["errors"]}
