"""Feature toggles: per-tenant state of every plugin and feature, changed at run time."""

from __future__ import annotations

from nexus.features._catalog import FeatureCatalog, FeatureSpec
from nexus.features._channel import CHANNEL, PostgresChannel, RedisChannel
from nexus.features._enable import ensure_enabled
from nexus.features._evaluate import FeatureState, Source, TenantFeatures, evaluate
from nexus.features._events import FEATURE_CHANGED, FEATURE_EVENTS, PLUGIN_SETTINGS_CHANGED
from nexus.features._ports import (
    RequestFeatures,
    bind_tenant_features,
    feature_ports,
    request_features,
)
from nexus.features._preset_routes import preset_routes
from nexus.features._routes import feature_routes as _feature_routes
from nexus.features._runtime import FeatureRuntime
from nexus.features._seed import seed_tenant
from nexus.features._service import (
    FeatureChange,
    FeatureConflict,
    FeatureService,
    PresetPlan,
    PurgeResult,
)
from nexus.features._settings import (
    PluginSettingsPort,
    SettingsInvalid,
    SettingsReader,
    encode_settings,
    keep_settings,
    validate_settings,
)
from nexus.features._settings_routes import PluginSettingsController
from nexus.features._toggles import Toggles

feature_routes = [*_feature_routes, PluginSettingsController]
"""The tenant-admin routes of features, plugins, plugin settings and the audit log."""

__all__ = (
    "PLUGIN_SETTINGS_CHANGED",
    "bind_tenant_features",
    "request_features",
    "RequestFeatures",
    "feature_ports",
    "PluginSettingsPort",
    "SettingsInvalid",
    "SettingsReader",
    "encode_settings",
    "CHANNEL",
    "FEATURE_CHANGED",
    "FEATURE_EVENTS",
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
    "ensure_enabled",
    "keep_settings",
    "seed_tenant",
    "validate_settings",
)
