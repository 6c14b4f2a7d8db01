"""Changing a tenant's features: requirements, cascades, first-enable hooks, audit, fan-out."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import PurgeReport, TenantRef

from nexus.db import new_id
from nexus.events import KERNEL_SOURCE, OutboxPublisher
from nexus.features._channel import CHANNEL
from nexus.features._enable import ensure_enabled
from nexus.features._evaluate import FeatureState, PresetDefaults, TenantFeatures, evaluate
from nexus.features._events import FEATURE_CHANGED, FeatureChanged
from nexus.plugins import await_maybe

if TYPE_CHECKING:
    from collections.abc import Callable

    import asyncpg

    from nexus.db import PostgresDatabase
    from nexus.features._catalog import FeatureCatalog
    from nexus.features._toggles import Toggles
    from nexus.plans import PlanGate
    from nexus.plugins import PluginRegistry

__all__ = (
    "FeatureChange",
    "FeatureConflict",
    "FeatureService",
    "PresetPlan",
    "PurgeResult",
)

_ENCODER = msgspec.json.Encoder()


def _feature_events(tenant_id: UUID) -> OutboxPublisher:
    return OutboxPublisher(tenant_id=tenant_id, plugin=KERNEL_SOURCE)


class FeatureConflict(Exception):
    """A change that requirements forbid; names the features in the way."""

    def __init__(self, detail: str, *, features: list[str]) -> None:
        super().__init__(detail)
        self.detail = detail
        self.features = features


class FeatureChange(msgspec.Struct, frozen=True, kw_only=True):
    """One feature switched: the key and its state before and after."""

    key: str
    before: FeatureState
    after: FeatureState


class PresetPlan(msgspec.Struct, frozen=True, kw_only=True):
    """What applying a preset to a tenant changes (or would change, on a dry run).

    Attributes:
        preset: The preset applied.
        previous: The tenant's preset before (``None``: no preset, every plugin on).
        dry_run: Whether anything was changed.
        enable: Features that come into effect.
        disable: Features that go out of effect (their data is kept).
        reseed: Plugins enabled for the first time, whose enable hook seeds them.
    """

    preset: str
    previous: str | None
    dry_run: bool
    enable: list[str]
    disable: list[str]
    reseed: list[str]


class PurgeResult(msgspec.Struct, frozen=True, kw_only=True):
    """What a purge deleted, or would delete on a dry run."""

    plugin: str
    dry_run: bool
    rows: dict[str, int]
    files: int


class FeatureService:
    """The one place feature states change."""

    def __init__(
        self,
        *,
        database: PostgresDatabase,
        registry: PluginRegistry,
        catalog: FeatureCatalog,
        toggles: Toggles,
        presets: Callable[[str], Any],
        publish: Callable[[str], Any] | None = None,
        plans: PlanGate | None = None,
    ) -> None:
        self.database = database
        # Switching on only: a plan never keeps a tenant from switching a plugin off.
        self.plans = plans
        self.registry = registry
        self.catalog = catalog
        self.toggles = toggles
        self.presets = presets
        self.publish = publish

    async def set(
        self,
        tenant_id: UUID,
        key: str,
        *,
        enabled: bool,
        cascade: bool,
        reason: str,
        actor: str,
    ) -> list[FeatureChange]:
        """Switch ``key`` on or off for the tenant; return every change made (cascades too).

        Raises:
            KeyError: ``key`` is not a feature of a loaded plugin.
            FeatureConflict: requirements are off (enabling) or dependents are on
                (disabling) and ``cascade`` is false.
            PlanLimitExceeded: enabling a plugin the tenant's plan does not include.
        """
        if self.catalog.get(key) is None:
            raise KeyError(key)
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            current, preset = await self._lock_and_read(conn, tenant_id)
            plan = self._plan_enable(key, current) if enabled else self._plan_disable(key, current)
            blocked = [k for k in plan if k != key]
            if blocked and not cascade:
                verb = "requires" if enabled else "is required by"
                raise FeatureConflict(
                    f"{key} {verb} {', '.join(blocked)}; switch them first or pass cascade=true",
                    features=blocked,
                )
            if enabled and self.plans is not None:
                await self.plans.check_plugins(conn, tenant_id, plan)
            target = FeatureState.ENABLED if enabled else FeatureState.DISABLED
            changes = []
            for k in plan:
                before = current.states[k][0]
                if before is target and (k in current.enabled) == enabled:
                    continue
                await self._write(conn, tenant_id, k, before, target, reason, actor)
                await self._run_hooks(conn, tenant_id, k, target, preset)
                changes.append(FeatureChange(key=k, before=before, after=target))
            if changes:
                await conn.execute("select pg_notify($1, $2)", CHANNEL, str(tenant_id))
        if changes:
            await self._announce(tenant_id)
        return changes

    async def purge(
        self, tenant_id: UUID, plugin: str, *, dry_run: bool, actor: str
    ) -> PurgeResult:
        """Delete (or count) the tenant's rows of a disabled plugin.

        Raises:
            KeyError: no such plugin.
            FeatureConflict: the plugin is enabled for the tenant.
        """
        spec = self.catalog.get(plugin)
        if spec is None or not spec.is_plugin:
            raise KeyError(plugin)
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            current, _ = await self._lock_and_read(conn, tenant_id)
            if plugin in current.enabled:
                raise FeatureConflict(f"disable {plugin} before purging it", features=[plugin])
            rows = {}
            for table in await self._tenant_tables(conn, plugin):
                verb = "select count(*) from" if dry_run else "with gone as (delete from"
                tail = "" if dry_run else " returning 1) select count(*) from gone"
                rows[table] = int(await conn.fetchval(f"{verb} {table}{tail}"))
            tenant = TenantRef(id=tenant_id, slug=await self._slug(conn, tenant_id))
            hooked = await await_maybe(
                self.registry.call(
                    plugin, "nexus_tenant_purge", tenant=tenant, conn=conn, dry_run=dry_run
                )
            )
            report = hooked if isinstance(hooked, PurgeReport) else PurgeReport()
            rows.update(report.rows)
            if not dry_run:
                before = current.states[plugin][0]
                await self._write(
                    conn, tenant_id, plugin, before, FeatureState.PURGED, "purge", actor
                )
                await conn.execute("delete from nexus_plugin_enablement where plugin = $1", plugin)
                await conn.execute("select pg_notify($1, $2)", CHANNEL, str(tenant_id))
        if not dry_run:
            await self._announce(tenant_id)
        return PurgeResult(plugin=plugin, dry_run=dry_run, rows=rows, files=report.files)

    async def apply_preset(
        self, tenant_id: UUID, name: str, *, dry_run: bool, actor: str, reason: str = ""
    ) -> PresetPlan:
        """Make ``name`` the tenant's preset; overrides stay on top of it.

        Raises:
            KeyError: no such preset (or it cannot be resolved).
            PlanLimitExceeded: the preset switches on a plugin the tenant's plan does not
                include.
        """
        preset = self.presets(name)
        if preset is None:
            raise KeyError(name)
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            current, _ = await self._lock_and_read(conn, tenant_id)
            previous = await conn.fetchval(
                "select preset from nexus_tenant where id = $1", tenant_id
            )
            rows = await conn.fetch("select key, state from nexus_feature_override")
            overrides = {row["key"]: FeatureState(row["state"]) for row in rows}
            after = evaluate(self.catalog, preset, overrides)
            enable = sorted(after.enabled - current.enabled)
            disable = sorted(current.enabled - after.enabled)
            seeded = {
                row["plugin"]
                for row in await conn.fetch(
                    "select plugin from nexus_plugin_enablement where first_enabled_at is not null"
                )
            }
            reseed = [k for k in enable if self.catalog.specs[k].is_plugin and k not in seeded]
            plan = PresetPlan(
                preset=name,
                previous=previous,
                dry_run=dry_run,
                enable=enable,
                disable=disable,
                reseed=reseed,
            )
            if dry_run:
                return plan
            if self.plans is not None:
                await self.plans.check_plugins(conn, tenant_id, enable)
            await conn.execute(
                "update nexus_tenant set preset = $2, updated_at = now() where id = $1",
                tenant_id,
                name,
            )
            for key in enable:
                await self._run_hooks(conn, tenant_id, key, FeatureState.ENABLED, preset)
            for key in disable:
                await self._run_hooks(conn, tenant_id, key, FeatureState.DISABLED, preset)
            await conn.execute(
                "insert into nexus_audit_log (tenant_id, id, actor, action, target, before, "
                "after, reason) values ($1, $2, $3, 'preset.applied', $4, $5::jsonb, "
                "$6::jsonb, $7)",
                tenant_id,
                new_id(),
                actor,
                name,
                _ENCODER.encode({"preset": previous}).decode(),
                _ENCODER.encode({"preset": name, "enable": enable, "disable": disable}).decode(),
                reason,
            )
            await conn.execute("select pg_notify($1, $2)", CHANNEL, str(tenant_id))
        await self._announce(tenant_id)
        return plan

    async def _lock_and_read(
        self, conn: asyncpg.Connection, tenant_id: UUID
    ) -> tuple[TenantFeatures, PresetDefaults | None]:
        # One writer per tenant at a time: requirement checks see the state they change.
        name = await conn.fetchval(
            "select preset from nexus_tenant where id = $1 for update", tenant_id
        )
        rows = await conn.fetch("select key, state from nexus_feature_override")
        preset = self.presets(name) if name else None
        overrides = {row["key"]: FeatureState(row["state"]) for row in rows}
        return evaluate(self.catalog, preset, overrides), preset

    def _plan_enable(self, key: str, current: TenantFeatures) -> list[str]:
        """``key`` and every requirement that is off, requirements first."""
        plan: list[str] = []

        def visit(k: str) -> None:
            spec = self.catalog.specs[k]
            for required in spec.requires:
                if required not in current.enabled and required not in plan:
                    if self.catalog.get(required) is None:
                        raise FeatureConflict(
                            f"{k} requires {required}, which is not installed",
                            features=[required],
                        )
                    visit(required)
            if k not in plan:
                plan.append(k)

        visit(key)
        return plan

    def _plan_disable(self, key: str, current: TenantFeatures) -> list[str]:
        """``key`` and every enabled dependent (other plugins), dependents first."""
        plugin = self.catalog.specs[key].plugin
        plan: list[str] = []

        def visit(k: str) -> None:
            for dependent in self.catalog.dependents.get(k, ()):
                own_feature = self.catalog.specs[dependent].plugin == plugin
                if dependent in current.enabled and not own_feature and dependent not in plan:
                    visit(dependent)
            if k not in plan:
                plan.append(k)

        visit(key)
        return plan

    async def _write(
        self,
        conn: asyncpg.Connection,
        tenant_id: UUID,
        key: str,
        before: FeatureState,
        after: FeatureState,
        reason: str,
        actor: str,
    ) -> None:
        await conn.execute(
            "insert into nexus_feature_override (tenant_id, key, state, reason, actor) "
            "values ($1, $2, $3, $4, $5) on conflict (tenant_id, key) do update set "
            "state = excluded.state, reason = excluded.reason, actor = excluded.actor, "
            "updated_at = now()",
            tenant_id,
            key,
            after.value,
            reason,
            actor,
        )
        # The change's event commits with it (the outbox); the audit entry shares the event's
        # id, so the audit consumer, meeting the event later, does not log it a second time.
        event_id = await _feature_events(tenant_id).publish(
            conn,
            type=FEATURE_CHANGED,
            data=FeatureChanged(key=key, before=before.value, after=after.value, actor=actor),
            subject=key,
        )
        await conn.execute(
            "insert into nexus_audit_log (tenant_id, id, actor, action, target, before, after, "
            "reason) values ($1, $2, $3, 'feature.changed', $4, $5::jsonb, $6::jsonb, $7)",
            tenant_id,
            UUID(event_id),
            actor,
            key,
            _ENCODER.encode({"state": before.value}).decode(),
            _ENCODER.encode({"state": after.value}).decode(),
            reason,
        )

    async def _run_hooks(
        self,
        conn: asyncpg.Connection,
        tenant_id: UUID,
        key: str,
        target: FeatureState,
        preset: PresetDefaults | None,
    ) -> None:
        spec = self.catalog.specs[key]
        if not spec.is_plugin:
            return
        tenant = TenantRef(id=tenant_id, slug=await self._slug(conn, tenant_id))
        if target is FeatureState.DISABLED:
            await await_maybe(
                self.registry.call(key, "nexus_tenant_disable", tenant=tenant, conn=conn)
            )
            return
        values = getattr(preset, "settings", None) or {}
        await ensure_enabled(
            conn, tenant=tenant, plugin=key, registry=self.registry, preset_values=values.get(key)
        )

    async def _tenant_tables(self, conn: asyncpg.Connection, plugin: str) -> list[str]:
        record = self.registry.get(plugin)
        declared = set(record.manifest.tenant_tables) if record and record.manifest else set()
        app_path = self.registry.call(plugin, "nexus_piccolo_app")
        if app_path:
            from importlib import import_module  # noqa: PLC0415

            app = import_module(app_path).APP_CONFIG
            declared.update(table._meta.tablename for table in app.table_classes)
        rows = await conn.fetch(
            "select c.relname from pg_class c join pg_attribute a on a.attrelid = c.oid "
            "where a.attname = 'tenant_id' and c.relkind = 'r' and c.relname = any($1::text[]) "
            "and c.relnamespace = current_schema()::regnamespace order by 1",
            sorted(declared),
        )
        return [row["relname"] for row in rows]

    @staticmethod
    async def _slug(conn: asyncpg.Connection, tenant_id: UUID) -> str:
        return str(await conn.fetchval("select slug from nexus_tenant where id = $1", tenant_id))

    async def _announce(self, tenant_id: UUID) -> None:
        self.toggles.changed(str(tenant_id))
        if self.publish is not None:
            await await_maybe(self.publish(str(tenant_id)))
