"""A new tenant's features: its preset, its overrides, and each plugin's first enable."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

from nexus.db import new_id
from nexus.features._channel import CHANNEL
from nexus.features._enable import ensure_enabled
from nexus.features._evaluate import FeatureState, evaluate

if TYPE_CHECKING:
    from collections.abc import Mapping

    import asyncpg
    from nexus_hookspecs import TenantRef

    from nexus.features._catalog import FeatureCatalog
    from nexus.plugins import PluginRegistry
    from nexus.presets import ResolvedPreset

__all__ = ("seed_tenant",)

_ENCODER = msgspec.json.Encoder()


async def seed_tenant(
    conn: asyncpg.Connection,
    *,
    tenant: TenantRef,
    preset: ResolvedPreset,
    overrides: Mapping[str, bool],
    catalog: FeatureCatalog,
    registry: PluginRegistry,
    actor: str,
) -> list[str]:
    """Give a tenant its preset and overrides, and run each enabled plugin's enable hook.

    Runs inside the caller's transaction (row-level security set to the tenant). The
    enable hook of a plugin runs only the first time the plugin is enabled for the tenant
    (``nexus_plugin_enablement``), so a repeated call seeds nothing twice. Requirements
    are enabled before the plugins that need them.

    Returns:
        The plugins seeded by this call.
    """
    await conn.execute(
        "update nexus_tenant set preset = $2, updated_at = now() where id = $1",
        tenant.id,
        preset.name,
    )
    for key, on in overrides.items():
        await conn.execute(
            "insert into nexus_feature_override (tenant_id, key, state, reason, actor) "
            "values ($1, $2, $3, 'business profile', $4) on conflict (tenant_id, key) "
            "do update set state = excluded.state, updated_at = now()",
            tenant.id,
            key,
            (FeatureState.ENABLED if on else FeatureState.DISABLED).value,
            actor,
        )
    states = {
        k: FeatureState.ENABLED if on else FeatureState.DISABLED for k, on in overrides.items()
    }
    enabled = evaluate(catalog, preset, states).enabled
    seeded = []
    for record in registry.loaded:  # start order: requirements first
        if record.name in enabled and await ensure_enabled(
            conn,
            tenant=tenant,
            plugin=record.name,
            registry=registry,
            preset_values=preset.settings.get(record.name),
            seed_values=preset.seed.get(record.name),
        ):
            seeded.append(record.name)
    await conn.execute(
        "insert into nexus_audit_log (tenant_id, id, actor, action, target, before, after, "
        "reason) values ($1, $2, $3, 'preset.applied', $4, $5::jsonb, $6::jsonb, $7)",
        tenant.id,
        new_id(),
        actor,
        preset.name,
        _ENCODER.encode({"preset": None}).decode(),
        _ENCODER.encode({"preset": preset.name, "overrides": dict(overrides)}).decode(),
        "provisioned from a business profile",
    )
    await conn.execute("select pg_notify($1, $2)", CHANNEL, str(tenant.id))
    return seeded
