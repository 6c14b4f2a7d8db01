"""Feature toggles: per-tenant state of every plugin and feature, changed at run time."""

from __future__ import annotations

from nexus.features._catalog import FeatureCatalog, FeatureSpec
from nexus.features._channel import CHANNEL, PostgresChannel, RedisChannel
from nexus.features._evaluate import FeatureState, Source, TenantFeatures, evaluate
from nexus.features._ports import RequestFeatures, feature_ports
from nexus.features._preset_routes import preset_routes
from nexus.features._routes import feature_routes
from nexus.features._runtime import FeatureRuntime
from nexus.features._seed import seed_tenant
from nexus.features._service import (
    FEATURE_CHANGED,
    FeatureChange,
    FeatureConflict,
    FeatureService,
    PresetPlan,
    PurgeResult,
)
from nexus.features._settings import PluginSettingsPort, SettingsReader, encode_settings
from nexus.features._toggles import Toggles

__all__ = (
    "RequestFeatures",
    "feature_ports",
    "PluginSettingsPort",
    "SettingsReader",
    "encode_settings",
    "CHANNEL",
    "FEATURE_CHANGED",
    "FeatureCatalog",
    "FeatureChange",
    "FeatureConflict",
    "FeatureRuntime",
    "FeatureService",
    "FeatureSpec",
    "FeatureState",
    "PostgresChannel",
    "PresetPlan",
    "PurgeResult",
    "RedisChannel",
    "Source",
    "TenantFeatures",
    "Toggles",
    "evaluate",
    "feature_routes",
    "preset_routes",
    "seed_tenant",
)
