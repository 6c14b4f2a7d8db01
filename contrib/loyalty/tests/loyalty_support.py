"""Helpers for the loyalty tests (a unique module name: pytest imports every test dir)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

try:
    import acme_loyalty
except ImportError:  # run from the Nexus repository, not installed: use the source
    sys.path.insert(0, str(Path(__file__).parents[1] / "src"))
    import acme_loyalty

import asyncpg
from nexus.testing import outbox_events, run_sync

__all__ = ("acme_loyalty", "crm_has_landed", "keep_settings", "outbox")


def crm_has_landed() -> bool:
    """Whether the installed CRM publishes deals (its first versions had no routes)."""
    try:
        import nexus_crm
    except ImportError:
        return False
    return hasattr(nexus_crm, "nexus_routes")


def _sql(url: str, query: str, *args: Any) -> list[Any]:
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
    """Store the tenant's loyalty settings, as enabling the plugin from a preset does."""
    _sql(
        url,
        "insert into nexus_plugin_enablement (tenant_id, plugin, settings) "
        "values ($1, 'loyalty', $2::jsonb) on conflict (tenant_id, plugin) "
        "do update set settings = excluded.settings",
        tenant.id,
        json.dumps(values),
    )
