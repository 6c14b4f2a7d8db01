"""Checking presets against the installed plugins, their features and settings schemas."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import msgspec

from nexus.plugins import PluginState
from nexus.presets._catalog import close_requires
from nexus.presets._parse import describe_error
from nexus.presets._schema import PresetError, Problem

if TYPE_CHECKING:
    from nexus_hookspecs import Manifest

    from nexus.plugins import PluginRegistry
    from nexus.presets._catalog import PresetCatalog
    from nexus.presets._schema import Preset, ResolvedPreset

__all__ = ("validate",)


def validate(catalog: PresetCatalog, registry: PluginRegistry) -> list[Problem]:
    """Check every preset in ``catalog`` against the plugins in ``registry``.

    Each problem is reported once, at the preset that introduces it; presets that inherit
    it are not reported again. A plugin listed without a plugin it requires is a
    ``warning``: resolving closes the plugin set under ``requires``, so it still works.

    Args:
        catalog: The presets, with any problems met while loading them.
        registry: The loaded plugins.

    Returns:
        The loading problems, then each preset's, in name order; empty when all is well.

    Example::

        problems = validate(load_presets(), load_plugins())
        errors = [p for p in problems if p.level == "error"]
    """
    problems = list(catalog.problems)
    for preset in catalog:
        problems.extend(_Check(catalog, registry, preset).run())
    return problems


class _Check:
    """The checks of one preset; each adds a problem line when it fails."""

    def __init__(self, catalog: PresetCatalog, registry: PluginRegistry, preset: Preset) -> None:
        self.catalog, self.registry, self.preset = catalog, registry, preset
        self.problems: list[Problem] = []

    def run(self) -> list[Problem]:
        chain, resolved, parent = self._resolve()
        listed = {plugin for preset in chain for plugin in preset.plugins}
        for plugin in self.preset.plugins:
            self._plugin(plugin, listed)
        if resolved:
            self._switched_off_requirements(resolved)
        on = close_requires(listed, self.registry)
        for key in self.preset.features:
            self._feature(key, on)
        for plugin, values in self.preset.settings.items():
            self._settings(plugin, values, resolved, parent)
        for plugin in self.preset.seed:
            self._seed(plugin, resolved)
        return self.problems

    def _resolve(
        self,
    ) -> tuple[tuple[Preset, ...], ResolvedPreset | None, ResolvedPreset | None]:
        """Resolve the preset and its parent; report a broken chain where it breaks."""
        try:
            chain = self.catalog.chain(self.preset.name)
        except PresetError as exc:
            self.problems.extend(p for p in exc.problems if p.preset == self.preset.name)
            return (self.preset,), None, None
        extends = self.preset.extends
        parent = self.catalog.resolve(extends) if extends else None
        return chain, self.catalog.resolve(self.preset.name), parent

    def _plugin(self, plugin: str, listed: set[str]) -> None:
        manifest = self._manifest(plugin, "plugins")
        for required in manifest.requires if manifest else ():
            if required not in listed:
                self._add(
                    f"plugins: '{plugin}' requires '{required}', which the preset does not "
                    "list; it is switched on with it",
                    level="warning",
                )

    def _switched_off_requirements(self, resolved: ResolvedPreset) -> None:
        """Report ``<plugin> = false`` for a plugin that a switched-on plugin requires.

        Reported where the dependent is listed or the switch-off is written, not again in
        presets that merely inherit both.
        """
        for plugin in sorted(resolved.plugins):
            record = self.registry.get(plugin)
            for required in record.manifest.requires if record and record.manifest else ():
                introduced = plugin in self.preset.plugins or required in self.preset.features
                if resolved.features.get(required) is False and introduced:
                    self._add(
                        f"plugins: '{plugin}' requires '{required}', which the preset switches off"
                    )

    def _feature(self, key: str, on: set[str]) -> None:
        plugin = key.partition(".")[0]
        manifest = self._manifest(plugin, f"features.{key}")
        if manifest is None:
            return
        if key not in manifest.feature_keys():
            declared = ", ".join(manifest.feature_keys())
            self._add(f"features.{key}: unknown feature ('{plugin}' declares {declared})")
        elif plugin not in on:
            self._add(f"features.{key}: plugin '{plugin}' is not in the preset's plugins")

    def _settings(
        self,
        plugin: str,
        values: dict[str, Any],
        resolved: ResolvedPreset | None,
        parent: ResolvedPreset | None,
    ) -> None:
        where = f"settings.{plugin}"
        manifest = self._manifest(plugin, where)
        if manifest is None:
            return
        schema = manifest.settings
        if schema is None:
            self._add(f"{where}: plugin '{plugin}' has no settings")
            return
        fields = {field.encode_name for field in msgspec.structs.fields(schema)}
        for key in values.keys() - fields:
            accepted = ", ".join(sorted(fields)) or "nothing"
            self._add(f"{where}.{key}: unknown setting ('{plugin}' accepts {accepted})")
        merged = resolved.settings[plugin] if resolved else values
        error = _settings_error(merged, schema, fields, where)
        inherited = parent.settings.get(plugin) if parent else None
        # A problem the parent already has is reported at the parent only.
        if error and (
            inherited is None or error != _settings_error(inherited, schema, fields, where)
        ):
            self._add(error)

    def _seed(self, plugin: str, resolved: ResolvedPreset | None) -> None:
        """Seed data must fit the plugin's manifest ``seed`` type: never silently ignored."""
        where = f"seed.{plugin}"
        manifest = self._manifest(plugin, where)
        if manifest is None:
            return
        if manifest.seed is None:
            self._add(f"{where}: plugin '{plugin}' takes no seed data")
            return
        values = resolved.seed.get(plugin, {}) if resolved else self.preset.seed[plugin]
        try:
            msgspec.convert(values, manifest.seed, strict=False)
        except msgspec.ValidationError as exc:
            self._add(f"{where}: {str(exc).replace('`$.', f'`{where}.')}")

    def _manifest(self, plugin: str, where: str) -> Manifest | None:
        """Return a loaded plugin's manifest, or report the plugin as unknown."""
        record = self.registry.get(plugin)
        if record is None:
            self._add(f"{where}: unknown plugin '{plugin}'")
        elif record.state is not PluginState.LOADED or record.manifest is None:
            self._add(f"{where}: plugin '{plugin}' is {record.state.value}: {record.reason}")
        else:
            return record.manifest
        return None

    def _add(self, message: str, *, level: Literal["error", "warning"] = "error") -> None:
        source = self.catalog.source(self.preset.name)
        self.problems.append(
            Problem(preset=self.preset.name, source=source, message=message, level=level)
        )


def _settings_error(
    values: dict[str, Any], schema: type[msgspec.Struct], fields: set[str], where: str
) -> str | None:
    """Return msgspec's complaint about ``values`` (unknown fields left out), if any."""
    known = {key: value for key, value in values.items() if key in fields}
    try:
        msgspec.convert(known, schema, strict=False)
    except msgspec.ValidationError as exc:
        return describe_error(exc, prefix=where)
    return None
