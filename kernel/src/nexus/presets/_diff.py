"""What changes between two resolved presets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec

if TYPE_CHECKING:
    from nexus.presets._schema import ResolvedPreset

__all__ = ("FeatureChange", "PresetDiff", "SettingChange", "diff")


class FeatureChange(msgspec.Struct, frozen=True, kw_only=True):
    """A feature key set differently; ``None`` where a preset does not set it.

    Attributes:
        key: The feature key (``crm`` or ``crm.deals``).
        before: Its value in the first preset.
        after: Its value in the second preset.
    """

    key: str
    before: bool | None
    after: bool | None


class SettingChange(msgspec.Struct, frozen=True, kw_only=True):
    """A plugin setting set differently; ``None`` where a preset does not set it.

    TOML has no null, so ``None`` always means "not set".

    Attributes:
        plugin: The plugin the setting belongs to.
        key: The setting's field name.
        before: Its value in the first preset.
        after: Its value in the second preset.
    """

    plugin: str
    key: str
    before: Any
    after: Any


class PresetDiff(msgspec.Struct, frozen=True, kw_only=True):
    """Going from preset ``a`` to preset ``b``.

    Attributes:
        a: The first preset's name.
        b: The second preset's name.
        plugins_added: Plugins ``b`` switches on and ``a`` does not, sorted.
        plugins_removed: Plugins ``a`` switches on and ``b`` does not, sorted.
        features: Feature keys set differently, sorted by key.
        settings: Settings set differently, sorted by plugin and key.
        seed: Plugins whose seed data differ, sorted.
    """

    a: str
    b: str
    plugins_added: tuple[str, ...] = ()
    plugins_removed: tuple[str, ...] = ()
    features: tuple[FeatureChange, ...] = ()
    settings: tuple[SettingChange, ...] = ()
    seed: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        """Tell whether the two presets give a tenant the same plugins, features and data."""
        changes = (self.plugins_added, self.plugins_removed, self.features, self.settings)
        return not any(changes) and not self.seed


def diff(a: ResolvedPreset, b: ResolvedPreset) -> PresetDiff:
    """Compare two resolved presets (names, titles and descriptions are not compared).

    Example::

        change = diff(catalog.resolve("base"), catalog.resolve("retail"))
        change.plugins_added  # ("pos", "stock")
    """
    features = tuple(
        FeatureChange(key=key, before=a.features.get(key), after=b.features.get(key))
        for key in sorted(a.features.keys() | b.features.keys())
        if a.features.get(key) != b.features.get(key)
    )
    settings = tuple(
        SettingChange(
            plugin=plugin,
            key=key,
            before=a.settings.get(plugin, {}).get(key),
            after=b.settings.get(plugin, {}).get(key),
        )
        for plugin in sorted(a.settings.keys() | b.settings.keys())
        for key in sorted(a.settings.get(plugin, {}).keys() | b.settings.get(plugin, {}).keys())
        if a.settings.get(plugin, {}).get(key) != b.settings.get(plugin, {}).get(key)
    )
    seed = tuple(
        plugin
        for plugin in sorted(a.seed.keys() | b.seed.keys())
        if a.seed.get(plugin) != b.seed.get(plugin)
    )
    return PresetDiff(
        a=a.name,
        b=b.name,
        plugins_added=tuple(sorted(b.plugins - a.plugins)),
        plugins_removed=tuple(sorted(a.plugins - b.plugins)),
        features=features,
        settings=settings,
        seed=seed,
    )
