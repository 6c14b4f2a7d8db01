"""``nexus features list|enable|disable``: a tenant's features from the command line."""

from __future__ import annotations

import asyncio
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID

import rich_click as click
from rich.console import Console
from rich.table import Table

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.db import PostgresDatabase, resolve_database_url
from nexus.features import FeatureConflict, FeatureRuntime
from nexus.plugins import load_plugins

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ("features",)

_ACTOR = "cli"


@asynccontextmanager
async def _runtime(tenant: str) -> AsyncIterator[tuple[FeatureRuntime, UUID]]:
    settings = load_settings()
    database = PostgresDatabase(resolve_database_url(settings), role=settings.db_api_role)
    runtime = FeatureRuntime(settings=settings, registry=load_plugins(settings), database=database)
    await database.start()
    try:
        try:
            tenant_id: UUID | None = UUID(tenant)
        except ValueError:
            tenant_id = None
        async with database.transaction() as conn:
            row = await conn.fetchrow(
                "select id from nexus_tenant where id = $1 or slug = $2", tenant_id, tenant
            )
        if row is None:
            fail(f"no tenant '{tenant}'")
        # No channel here: the change reaches running servers through NOTIFY on commit.
        runtime.toggles.set_live(False)
        yield runtime, row["id"]
    finally:
        await database.stop()


@click.group()
def features() -> None:
    """A tenant's features: list, enable, disable."""


@features.command("list")
@click.argument("tenant")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def list_features(tenant: str, as_json: bool) -> None:
    """List TENANT's features (slug or id) with state, source, requires and dependents."""

    async def run() -> list[dict[str, Any]]:
        async with _runtime(tenant) as (runtime, tenant_id):
            current = await runtime.toggles.features(tenant_id)
            return [
                {
                    "key": key,
                    "state": current.states[key][0].value,
                    "source": current.states[key][1].value,
                    "in_effect": key in current.enabled,
                    "requires": list(spec.requires),
                    "dependents": list(runtime.catalog.dependents.get(key, ())),
                }
                for key, spec in runtime.catalog.specs.items()
            ]

    rows = asyncio.run(run())
    if as_json:
        echo_json(rows)
        return
    table = Table("key", "state", "source", "in effect", "requires", "dependents")
    for row in rows:
        table.add_row(
            row["key"],
            row["state"],
            row["source"],
            "yes" if row["in_effect"] else "no",
            ", ".join(row["requires"]),
            ", ".join(row["dependents"]),
        )
    Console().print(table)


def _switch(tenant: str, key: str, *, enabled: bool, cascade: bool, reason: str) -> None:
    async def run() -> list[Any]:
        async with _runtime(tenant) as (runtime, tenant_id):
            return await runtime.service.set(
                tenant_id, key, enabled=enabled, cascade=cascade, reason=reason, actor=_ACTOR
            )

    try:
        changes = asyncio.run(run())
    except KeyError:
        fail(f"no feature '{key}'")
    except FeatureConflict as exc:
        fail(exc.detail)
    if not changes:
        click.echo(f"{key} is already {'enabled' if enabled else 'disabled'}")
    for change in changes:
        click.echo(f"{change.key}: {change.before.value} → {change.after.value}")


_cascade = click.option("--cascade", is_flag=True, help="Also switch what stands in the way.")
_reason = click.option("--reason", default="", help="Why (kept in the audit log).")


@features.command("enable")
@click.argument("tenant")
@click.argument("key")
@_cascade
@_reason
@friendly_errors
def enable(tenant: str, key: str, cascade: bool, reason: str) -> None:
    """Enable KEY (a plugin or plugin.feature) for TENANT."""
    _switch(tenant, key, enabled=True, cascade=cascade, reason=reason)


@features.command("disable")
@click.argument("tenant")
@click.argument("key")
@_cascade
@_reason
@friendly_errors
def disable(tenant: str, key: str, cascade: bool, reason: str) -> None:
    """Disable KEY for TENANT; its data is kept."""
    _switch(tenant, key, enabled=False, cascade=cascade, reason=reason)
