"""Which features exist: ``<plugin>`` and ``<plugin>.<feature>`` of the loaded plugins."""

from __future__ import annotations

from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from nexus.plugins import PluginRegistry

__all__ = ("FeatureCatalog", "FeatureSpec")


class FeatureSpec(msgspec.Struct, frozen=True, kw_only=True):
    """One switchable feature.

    Attributes:
        key: ``crm`` (a whole plugin) or ``crm.deals`` (a feature inside it).
        plugin: The plugin the feature belongs to.
        title: Human name.
        default: State when neither the tenant's preset nor an override decides.
        requires: Keys that must be enabled for this one to be enabled.
    """

    key: str
    plugin: str
    title: str
    default: bool
    requires: tuple[str, ...]

    @property
    def is_plugin(self) -> bool:
        """Whether the key names a whole plugin."""
        return self.key == self.plugin


class FeatureCatalog:
    """Every feature of the loaded plugins, with requirements and dependents."""

    def __init__(self, specs: list[FeatureSpec]) -> None:
        self.specs: dict[str, FeatureSpec] = {spec.key: spec for spec in specs}
        dependents: dict[str, list[str]] = {key: [] for key in self.specs}
        for spec in specs:
            for required in spec.requires:
                dependents.setdefault(required, []).append(spec.key)
        self.dependents = {key: tuple(sorted(keys)) for key, keys in dependents.items()}
        self.plugins = tuple(spec.key for spec in specs if spec.is_plugin)

    @classmethod
    def from_registry(cls, registry: PluginRegistry) -> FeatureCatalog:
        """Build the catalog of the registry's loaded plugins."""
        specs = []
        for record in registry.loaded:
            manifest = record.manifest
            if manifest is None:
                continue
            specs.append(
                FeatureSpec(
                    key=manifest.name,
                    plugin=manifest.name,
                    title=manifest.title,
                    default=True,
                    requires=tuple(manifest.requires),
                )
            )
            for feature in manifest.features:
                specs.append(
                    FeatureSpec(
                        key=f"{manifest.name}.{feature.key}",
                        plugin=manifest.name,
                        title=feature.title,
                        default=feature.default,
                        requires=(manifest.name,),
                    )
                )
        return cls(specs)

    def get(self, key: str) -> FeatureSpec | None:
        """The feature ``key``, if it exists."""
        return self.specs.get(key)
