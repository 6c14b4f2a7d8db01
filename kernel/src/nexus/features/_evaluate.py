"""A tenant's effective feature state: preset defaults overlaid by the tenant's overrides."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Protocol

import msgspec

if TYPE_CHECKING:
    from collections.abc import Collection, Mapping

    from nexus.features._catalog import FeatureCatalog

__all__ = ("FeatureState", "PresetDefaults", "Source", "TenantFeatures", "evaluate")


class FeatureState(enum.StrEnum):
    """The state of a feature for a tenant."""

    ENABLED = "enabled"
    DISABLED = "disabled"
    """Off; the plugin's data is kept."""
    PURGED = "purged"
    """Off, and the plugin's data of the tenant has been deleted."""


class Source(enum.StrEnum):
    """What decided a feature's state."""

    DEFAULT = "default"
    PRESET = "preset"
    OVERRIDE = "override"


class PresetDefaults(Protocol):
    """What toggles need of a resolved preset."""

    @property
    def plugins(self) -> Collection[str]:
        """Plugins the preset switches on."""
        ...

    @property
    def features(self) -> Mapping[str, bool]:
        """Feature keys the preset switches on or off."""
        ...


class TenantFeatures(msgspec.Struct, frozen=True):
    """Each feature's state and source for one tenant, and the set that is in effect.

    A snapshot read from the database also says which plugins were ever enabled for the
    tenant and holds their settings, decoded once per read.

    Attributes:
        states: Key → (state, source).
        enabled: Keys in effect: enabled, and (for a feature) its plugin enabled too.
        seeded: Plugins whose first enablement has run for the tenant (their
            ``nexus_plugin_enablement`` row exists, their enable hook has run).
        settings: Seeded plugin → its settings Struct (or ``UnreadableSettings``).
    """

    states: dict[str, tuple[FeatureState, Source]]
    enabled: frozenset[str]
    seeded: frozenset[str] = frozenset()
    settings: dict[str, Any] = msgspec.field(default_factory=dict)


def evaluate(
    catalog: FeatureCatalog,
    preset: PresetDefaults | None,
    overrides: Mapping[str, FeatureState],
) -> TenantFeatures:
    """Compute a tenant's features.

    With no preset, every plugin is on and features take their manifest defaults; a preset
    switches on exactly its plugins and may set features; overrides win over both.
    """
    states: dict[str, tuple[FeatureState, Source]] = {}
    for key, spec in catalog.specs.items():
        if key in overrides:
            states[key] = (overrides[key], Source.OVERRIDE)
            continue
        if preset is None:
            on, source = spec.default, Source.DEFAULT
        elif spec.is_plugin:
            on, source = key in preset.plugins, Source.PRESET
        elif key in preset.features:
            on, source = preset.features[key], Source.PRESET
        else:
            on, source = spec.default, Source.DEFAULT
        states[key] = (FeatureState.ENABLED if on else FeatureState.DISABLED, source)
    enabled = frozenset(
        key
        for key, (state, _) in states.items()
        if state is FeatureState.ENABLED
        and states[catalog.specs[key].plugin][0] is FeatureState.ENABLED
    )
    return TenantFeatures(states=states, enabled=enabled)
