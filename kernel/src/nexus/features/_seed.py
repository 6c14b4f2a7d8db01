"""A new tenant's features: its preset, its overrides, and each plugin's first enable."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

from nexus.db import new_id
from nexus.features._channel import CHANNEL
from nexus.features._evaluate import FeatureState, evaluate
from nexus.features._settings import encode_settings
from nexus.plugins import await_maybe

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
        if record.name not in enabled:
            continue
        settings = _settings(record.manifest, preset.settings.get(record.name, {}))
        first = await conn.fetchval(
            "insert into nexus_plugin_enablement (tenant_id, plugin, settings) "
            "values ($1, $2, $3::jsonb) on conflict do nothing returning true",
            tenant.id,
            record.name,
            encode_settings(settings),
        )
        if not first:
            continue
        await await_maybe(
            registry.call(
                record.name, "nexus_tenant_enable", tenant=tenant, settings=settings, conn=conn
            )
        )
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


def _settings(manifest: Any, raw: Mapping[str, Any]) -> Any:
    schema = manifest.settings if manifest is not None else None
    return msgspec.convert(dict(raw), schema, strict=False) if schema else dict(raw)
