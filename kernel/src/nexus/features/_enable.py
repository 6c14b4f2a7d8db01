"""A plugin's first enablement for a tenant: one row, and the enable hook exactly once.

Every path that switches a plugin on for a tenant goes through :func:`ensure_enabled`:
provisioning's seed step, the feature service, and — for a tenant whose plugin is on but was
never enabled (a tenant made without a preset) — the gate before the plugin's first request
and the event path before its first delivery.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import TenantRef

from nexus.features._settings import encode_settings
from nexus.plugins import await_maybe

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from uuid import UUID

    import asyncpg

    from nexus.db import PostgresDatabase
    from nexus.features._catalog import FeatureCatalog
    from nexus.features._evaluate import PresetDefaults
    from nexus.plugins import PluginRegistry

__all__ = ("FirstEnable", "ensure_enabled", "initial_settings")

# The row decides who enables: a concurrent writer waits on the first one's row lock and,
# once it commits, finds the time stamped and writes nothing, so exactly one transaction runs
# the hook. A row without a time holds settings given before the first enablement: they win
# over the preset's.
_ENABLE = (
    "insert into nexus_plugin_enablement as e (tenant_id, plugin, settings, first_enabled_at) "
    "values ($1, $2, $3::jsonb, now()) on conflict (tenant_id, plugin) "
    "do update set first_enabled_at = now() where e.first_enabled_at is null "
    "returning e.settings::text"
)


def initial_settings(
    registry: PluginRegistry, plugin: str, preset_values: Mapping[str, Any] | None
) -> Any:
    """The settings a plugin is first enabled with: preset values over the type's defaults."""
    record = registry.get(plugin)
    schema = record.manifest.settings if record and record.manifest else None
    raw = dict(preset_values or {})
    return msgspec.convert(raw, schema, strict=False) if schema else raw


async def ensure_enabled(
    conn: asyncpg.Connection,
    *,
    tenant: TenantRef,
    plugin: str,
    registry: PluginRegistry,
    preset_values: Mapping[str, Any] | None = None,
    seed_values: Mapping[str, Any] | None = None,
) -> bool:
    """Record the plugin's first enablement for the tenant and run its enable hook, once.

    Runs in the caller's transaction (row-level security set to the tenant): the row and
    whatever the hook seeds commit together, or neither does. The hook gets the settings kept
    for the plugin before its first enablement if any (``PUT …/settings``,
    ``nexus.testing.set_plugin_settings``), else ``preset_values`` over the type's defaults.

    Args:
        conn: The transaction.
        tenant: The tenant.
        plugin: The plugin.
        registry: The plugins, whose ``nexus_tenant_enable`` is called.
        preset_values: The tenant's preset settings of the plugin (field → value).
        seed_values: The preset's and profile's ``[seed.<plugin>]`` (provisioning only),
            converted into the manifest's ``seed`` Struct for the hook's ``seed``.

    Returns:
        Whether this call enabled the plugin (false: it had been enabled before).
    """
    settings = initial_settings(registry, plugin, preset_values)
    kept = await conn.fetchval(_ENABLE, tenant.id, plugin, encode_settings(settings))
    if kept is None:
        return False
    settings = initial_settings(registry, plugin, msgspec.json.decode(kept))
    seed = seed_data(registry, plugin, seed_values)
    await await_maybe(
        registry.call(
            plugin, "nexus_tenant_enable", tenant=tenant, settings=settings, conn=conn, seed=seed
        )
    )
    return True


def seed_data(registry: PluginRegistry, plugin: str, values: Mapping[str, Any] | None) -> Any:
    """``values`` converted into the plugin's manifest ``seed`` Struct; ``None`` when absent.

    Raises:
        ValueError: seed data for a plugin that declares no seed type, or data that does
            not fit it (provisioning checked both before, naming the field).
    """
    if values is None:
        return None
    record = registry.get(plugin)
    schema = record.manifest.seed if record and record.manifest else None
    if schema is None:
        raise ValueError(f"seed.{plugin}: the plugin declares no seed data")
    return msgspec.convert(dict(values), schema, strict=False)


class FirstEnable:
    """Runs first enablements on demand, in a transaction of their own.

    For the request and event paths: a plugin that is on for a tenant but never enabled gets
    its enablement (and its requirements' first) before it serves the tenant.
    """

    def __init__(
        self,
        *,
        database: PostgresDatabase,
        registry: PluginRegistry,
        catalog: FeatureCatalog,
        presets: Callable[[str], PresetDefaults | None],
    ) -> None:
        self.database = database
        self.registry = registry
        self.catalog = catalog
        self.presets = presets
        self._order = {record.name: i for i, record in enumerate(registry.loaded)}

    def plan(self, plugin: str, enabled: Iterable[str], seeded: Iterable[str]) -> list[str]:
        """``plugin`` and its requirements in effect but never enabled, requirements first."""
        on, done = set(enabled), set(seeded)
        found: set[str] = set()

        def visit(key: str) -> None:
            spec = self.catalog.get(key)
            for required in spec.requires if spec is not None else ():
                if required in on and required not in done and required not in found:
                    found.add(required)
                    visit(required)

        visit(plugin)
        found.add(plugin)
        return sorted(found, key=lambda name: self._order.get(name, len(self._order)))

    async def run(self, tenant_id: UUID, plugins: list[str]) -> bool:
        """Enable ``plugins`` for the tenant where not done yet; return whether any was.

        A deprovisioned (or unknown) tenant gets nothing. Nothing is announced: the caller
        reloads its own snapshot, and another process that still holds the plugin as never
        enabled takes this same path once, finds the row and reloads — whereas a message
        would make every process drop the tenant after each plugin's first request.
        """
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            # Key-share: deprovisioning (which locks the tenant row) waits for this.
            row = await conn.fetchrow(
                "select slug, preset, status from nexus_tenant where id = $1 for key share",
                tenant_id,
            )
            if row is None or row["status"] == "deprovisioned":
                return False
            preset = self.presets(row["preset"]) if row["preset"] else None
            values: Mapping[str, Any] = getattr(preset, "settings", None) or {}
            tenant = TenantRef(id=tenant_id, slug=row["slug"])
            enabled = False
            for plugin in plugins:
                enabled |= await ensure_enabled(
                    conn,
                    tenant=tenant,
                    plugin=plugin,
                    registry=self.registry,
                    preset_values=values.get(plugin),
                )
        return enabled
