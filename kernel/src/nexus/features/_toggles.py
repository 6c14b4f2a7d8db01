"""Each process's view of every tenant's features: immutable, pushed, never silently stale."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TYPE_CHECKING
from uuid import UUID

import structlog

from nexus.features._enable import FirstEnable
from nexus.features._evaluate import FeatureState, PresetDefaults, TenantFeatures, evaluate
from nexus.features._settings import SettingsReader

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase
    from nexus.features._catalog import FeatureCatalog
    from nexus.plugins import PluginRegistry

__all__ = ("Toggles",)

log = structlog.get_logger("nexus.features")

PresetLookup = Callable[[str], PresetDefaults | None]


class Toggles:
    """The feature states of the tenants this process has served.

    A tenant's state is read from the database the first time it is needed and kept in an
    immutable snapshot; a change made anywhere arrives over the channel and replaces that
    tenant's entry. While the channel is down nothing is kept, so a state is either pushed
    or read fresh — never silently stale.

    Given the ``registry``, a snapshot also holds which plugins were first enabled for the
    tenant and their decoded settings, and :meth:`ensure_enabled` runs a missing first
    enablement.
    """

    def __init__(
        self,
        database: PostgresDatabase,
        catalog: FeatureCatalog,
        presets: PresetLookup,
        *,
        registry: PluginRegistry | None = None,
    ) -> None:
        self.database = database
        self.catalog = catalog
        self.presets = presets
        self.reader = SettingsReader(registry) if registry is not None else None
        self.first_enable = (
            FirstEnable(database=database, registry=registry, catalog=catalog, presets=presets)
            if registry is not None
            else None
        )
        self._enabling: dict[tuple[UUID, str], asyncio.Future[None]] = {}
        self._snapshot: dict[UUID, TenantFeatures] = {}
        self._loading: dict[UUID, asyncio.Future[TenantFeatures]] = {}
        # Reads under way when their tenant changed: they may predate the change, so their
        # result goes to the callers already waiting and is not kept, and a caller arriving
        # after the change starts a read of its own instead of joining one of them.
        self._stale: set[asyncio.Future[TenantFeatures]] = set()
        self.live = False
        self._observers: list[Callable[[UUID], None]] = []
        self._live_observers: list[Callable[[bool], None]] = []

    def cached(self, tenant_id: UUID) -> TenantFeatures | None:
        """The tenant's features if this process holds them (the request path's fast check)."""
        return self._snapshot.get(tenant_id)

    async def features(self, tenant_id: UUID) -> TenantFeatures:
        """The tenant's features, loading them once if this process does not hold them."""
        held = self._snapshot.get(tenant_id)
        if held is not None:
            return held
        pending = self._loading.get(tenant_id)
        if pending is not None:
            return await asyncio.shield(pending)
        future = asyncio.get_running_loop().create_future()
        self._loading[tenant_id] = future
        try:
            features = await self._read(tenant_id)
            if future in self._stale:
                asyncio.get_running_loop().create_task(self._refresh(tenant_id))
            elif self.live:
                self._snapshot = {**self._snapshot, tenant_id: features}
            future.set_result(features)
            return features
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # mark retrieved: the waiters (if any) re-raise it
            raise
        finally:
            self._stale.discard(future)
            if self._loading.get(tenant_id) is future:
                del self._loading[tenant_id]

    async def is_enabled(self, tenant_id: UUID, key: str) -> bool:
        """Whether ``key`` is in effect for the tenant."""
        held = self._snapshot.get(tenant_id)
        if held is None:
            held = await self.features(tenant_id)
        return key in held.enabled

    async def ensure_enabled(self, tenant_id: UUID, plugin: str) -> TenantFeatures:
        """Run the plugin's first enablement for the tenant if it has not run; the new state.

        The slow path of the gate and of event delivery, taken once per (tenant, plugin):
        callers check ``plugin in features.seeded`` first. Concurrent callers in this process
        share one run; across processes the enablement row decides (see ``ensure_enabled``).
        """
        if self.first_enable is None:
            return await self.features(tenant_id)
        key = (tenant_id, plugin)
        pending = self._enabling.get(key)
        if pending is not None:
            await asyncio.shield(pending)
        else:
            future = asyncio.get_running_loop().create_future()
            self._enabling[key] = future
            try:
                held = await self.features(tenant_id)
                plan = self.first_enable.plan(plugin, held.enabled, held.seeded)
                await self.first_enable.run(tenant_id, plan)
                future.set_result(None)
            except BaseException as exc:
                future.set_exception(exc)
                future.exception()  # mark retrieved: the waiters (if any) re-raise it
                raise
            finally:
                del self._enabling[key]
        # Enabled now, by this process or another: what is held may predate it.
        self._forget(tenant_id)
        held = await self.features(tenant_id)
        if plugin not in held.seeded:  # a read that began before the enablement committed
            held = await self._read(tenant_id)
        return held

    def observe(self, callback: Callable[[UUID], None]) -> None:
        """Call ``callback(tenant_id)`` after each change message (for tests and benchmarks)."""
        self._observers.append(callback)

    def unobserve(self, callback: Callable[[UUID], None]) -> None:
        """Stop calling ``callback`` (a closed live stream, say)."""
        self._observers.remove(callback)

    def changed(self, payload: str) -> None:
        """A change message arrived: forget the tenant so its next use reads it afresh."""
        try:
            tenant_id = UUID(payload)
        except ValueError:
            log.warning("ignoring malformed feature change message", payload=payload)
            return
        if self._forget(tenant_id):
            asyncio.get_running_loop().create_task(self._refresh(tenant_id))
        for observer in self._observers:
            observer(tenant_id)

    def _forget(self, tenant_id: UUID) -> bool:
        """Drop what is held of the tenant (and any read under way); whether it was held."""
        pending = self._loading.pop(tenant_id, None)
        if pending is not None:
            self._stale.add(pending)
        if tenant_id not in self._snapshot:
            return False
        snapshot = dict(self._snapshot)
        del snapshot[tenant_id]
        self._snapshot = snapshot
        return True

    def observe_live(self, callback: Callable[[bool], None]) -> None:
        """Call ``callback(live)`` whenever the channel goes down or comes back."""
        self._live_observers.append(callback)

    def set_live(self, live: bool) -> None:
        """The channel came up (drop everything: changes may have been missed) or went down."""
        self.live = live
        self._snapshot = {}
        for observer in self._live_observers:
            observer(live)

    async def _refresh(self, tenant_id: UUID) -> None:
        try:
            await self.features(tenant_id)
        except Exception:  # noqa: BLE001 - the next request reads it again
            log.exception("feature refresh failed", tenant_id=str(tenant_id))

    async def _read(self, tenant_id: UUID) -> TenantFeatures:
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            preset_name = await conn.fetchval(
                "select preset from nexus_tenant where id = $1", tenant_id
            )
            rows = await conn.fetch("select key, state from nexus_feature_override")
            stored = await conn.fetch(
                "select plugin, settings::text as settings, first_enabled_at is not null "
                "as seeded from nexus_plugin_enablement"
            )
        preset = self.presets(preset_name) if preset_name else None
        overrides = {row["key"]: FeatureState(row["state"]) for row in rows}
        features = evaluate(self.catalog, preset, overrides)
        raw = {row["plugin"]: row["settings"] for row in stored}
        return TenantFeatures(
            states=features.states,
            enabled=features.enabled,
            seeded=frozenset(row["plugin"] for row in stored if row["seeded"]),
            settings=self.reader.decode_all(raw) if self.reader is not None else {},
        )
