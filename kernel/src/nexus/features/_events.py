"""The events tenant features publish, with their payloads (the events catalogue shows them)."""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from msgspec import Meta
from nexus_hookspecs import EventType

__all__ = (
    "FEATURE_CHANGED",
    "FEATURE_EVENTS",
    "PLUGIN_SETTINGS_CHANGED",
    "FeatureChanged",
    "PluginSettingsChanged",
)

FEATURE_CHANGED = "nexus.feature.changed.v1"
"""The event every feature change emits, in the change's own transaction."""

PLUGIN_SETTINGS_CHANGED = "nexus.plugin.settings_changed.v1"
"""The event a change of a plugin's settings emits, in the change's own transaction."""


class FeatureChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.feature.changed.v1``."""

    key: Annotated[str, Meta(description="The plugin or feature switched: crm, crm.deals.")]
    before: Annotated[str, Meta(description="Its state before: enabled, disabled or purged.")]
    after: Annotated[str, Meta(description="Its state after.")]
    actor: Annotated[str, Meta(description="Who switched it: a user, an API key or system.")]


class PluginSettingsChanged(msgspec.Struct, frozen=True, kw_only=True):
    """The ``data`` of ``nexus.plugin.settings_changed.v1``."""

    plugin: Annotated[str, Meta(description="The plugin whose settings changed.")]
    before: Annotated[
        dict[str, Any] | None, Meta(description="Its settings before (null: never set).")
    ]
    after: Annotated[dict[str, Any], Meta(description="Its settings after, as JSON.")]
    actor: Annotated[str, Meta(description="Who changed them: a user or an API key.")]


FEATURE_EVENTS: tuple[EventType, ...] = (
    EventType(
        type=FEATURE_CHANGED,
        description="A plugin or feature was switched on, off or purged for a tenant.",
        payload=FeatureChanged,
    ),
    EventType(
        type=PLUGIN_SETTINGS_CHANGED,
        description="A tenant admin changed a plugin's settings for the tenant.",
        payload=PluginSettingsChanged,
    ),
)
"""What the features package publishes (source ``/nexus/nexus``)."""
