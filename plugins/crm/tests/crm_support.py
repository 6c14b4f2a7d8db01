"""Helpers for the CRM tests: the API prefix, owner-role SQL, the outbox, settings, problems."""

from __future__ import annotations

from typing import Any

import asyncpg
from nexus.testing import outbox_events, run_sync, set_plugin_settings

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
    """Keep the tenant's CRM settings, as a preset does (before CRM's first request: what
    its enable hook seeds from)."""
    set_plugin_settings(url, tenant, "crm", values)


def errors_of(response: Any) -> dict[str, str]:
    """A 422 problem's errors as ``{field: message}``."""
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    return {item["key"]: item["message"] for item in response.json()["errors"]}
