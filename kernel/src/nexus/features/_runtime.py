"""Everything toggles need in a process, built and started together."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

import structlog

from nexus.features._catalog import FeatureCatalog
from nexus.features._channel import CHANNEL, Channel, PostgresChannel, RedisChannel
from nexus.features._service import FeatureService
from nexus.features._toggles import Toggles
from nexus.presets import PresetError, load_presets

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase
    from nexus.features._evaluate import PresetDefaults
    from nexus.plans import PlanGate
    from nexus.plugins import PluginRegistry
    from nexus.settings import Settings

__all__ = ("FeatureRuntime",)

log = structlog.get_logger("nexus.features")


class FeatureRuntime:
    """The catalog, the per-process toggles, the change service and the fan-out channel."""

    def __init__(
        self,
        *,
        settings: Settings,
        registry: PluginRegistry,
        database: PostgresDatabase,
        plans: PlanGate | None = None,
    ) -> None:
        self.catalog = FeatureCatalog.from_registry(registry)
        self.presets = load_presets(strict=False)
        for problem in self.presets.problems:
            log.warning("preset problem", problem=str(problem))
        self._redis: Any = None
        publish = None
        if settings.redis_url:
            from redis.asyncio import Redis  # noqa: PLC0415 - only when configured

            self._redis = Redis.from_url(settings.redis_url)
            publish = functools.partial(self._redis.publish, CHANNEL)
        self.toggles = Toggles(database, self.catalog, self._preset, registry=registry)
        if self._redis is not None:
            self.channel: Channel = RedisChannel(
                self._redis, on_message=self.toggles.changed, on_live=self.toggles.set_live
            )
        else:
            self.channel = PostgresChannel(
                database.url, on_message=self.toggles.changed, on_live=self.toggles.set_live
            )
        self.service = FeatureService(
            database=database,
            registry=registry,
            catalog=self.catalog,
            toggles=self.toggles,
            presets=self._preset,
            publish=publish,
            plans=plans,
        )
        self._registry = registry

    @functools.lru_cache(maxsize=256)  # noqa: B019 - one runtime per process; presets are fixed
    def _preset(self, name: str) -> PresetDefaults | None:
        try:
            return self.presets.resolve(name, registry=self._registry)
        except PresetError as exc:
            log.error("tenant preset cannot be resolved", preset=name, error=str(exc))
            return None

    async def start(self) -> None:
        """Connect the change channel (the toggles are live from then on)."""
        await self.channel.start()

    async def stop(self) -> None:
        """Disconnect (the toggles are no longer live: they keep nothing)."""
        await self.channel.stop()
        self.toggles.set_live(False)
        if self._redis is not None:
            await self._redis.aclose()
