"""The catalog of presets by name, and resolving a preset along its ``extends`` chain."""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING, Any

from nexus.presets._schema import Preset, PresetError, Problem, ResolvedPreset, UnknownPresetError

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator, Mapping, Sequence

    from nexus.plugins import PluginRegistry

__all__ = ("PresetCatalog", "close_requires")


class PresetCatalog:
    """Presets by name, each with the file it came from.

    Build one with :func:`~nexus.presets.load_presets` (the installed packs) or
    :func:`~nexus.presets.load_presets_from` (files and directories), or directly from
    :class:`Preset` objects.

    Attributes:
        problems: What went wrong while loading (files skipped, duplicates); empty unless
            loaded with ``strict=False``.

    Example::

        catalog = PresetCatalog([Preset(name="base", title="Base")])
        catalog.resolve("base").industry  # "general"
    """

    def __init__(
        self,
        presets: Iterable[Preset] = (),
        *,
        sources: Mapping[str, str] | None = None,
        problems: Sequence[Problem] = (),
    ) -> None:
        self._presets: dict[str, Preset] = {}
        for preset in presets:
            if preset.name in self._presets:
                raise PresetError(Problem(preset=preset.name, message="preset defined twice"))
            self._presets[preset.name] = preset
        self._sources = dict(sources or {})
        self.problems = tuple(problems)

    def __contains__(self, name: object) -> bool:
        return name in self._presets

    def __len__(self) -> int:
        return len(self._presets)

    def __iter__(self) -> Iterator[Preset]:
        return (self._presets[name] for name in self.names())

    def names(self) -> list[str]:
        """Return every preset name, sorted."""
        return sorted(self._presets)

    def get(self, name: str) -> Preset:
        """Return preset ``name`` as its file states it.

        Raises:
            UnknownPresetError: when there is no such preset.
        """
        try:
            return self._presets[name]
        except KeyError:
            known = ", ".join(self.names()) or "none"
            message = f"unknown preset '{name}' (known: {known})"
            raise UnknownPresetError(Problem(message=message)) from None

    def source(self, name: str) -> str | None:
        """Return the file preset ``name`` came from, if the catalog knows it."""
        return self._sources.get(name)

    def chain(self, name: str) -> tuple[Preset, ...]:
        """Return the presets from the root of ``name``'s ``extends`` chain down to it.

        Raises:
            UnknownPresetError: when there is no preset ``name``.
            PresetError: when the chain extends an unknown preset or loops back on itself.
        """
        chain = [self.get(name)]
        while (parent := chain[-1].extends) is not None:
            child = chain[-1]
            names = [preset.name for preset in chain]
            if parent in names:
                # Named after the preset where the loop starts, as seen from ``name``.
                loop = " → ".join([*names[names.index(parent) :], parent])
                raise PresetError(self._problem(self._presets[parent], f"extends cycle: {loop}"))
            if parent not in self._presets:
                raise PresetError(self._problem(child, f"extends unknown preset '{parent}'"))
            chain.append(self._presets[parent])
        return tuple(reversed(chain))

    def resolve(self, name: str, *, registry: PluginRegistry | None = None) -> ResolvedPreset:
        """Apply preset ``name``'s ``extends`` chain, the child winning over its parent.

        Args:
            name: The preset to resolve.
            registry: The loaded plugins; when given, ``plugins`` is closed under each
                plugin's ``requires``.

        Returns:
            A new :class:`ResolvedPreset`.

        Raises:
            UnknownPresetError: when there is no preset ``name``.
            PresetError: when its chain extends an unknown preset or loops.
        """
        chain = self.chain(name)
        listed: set[str] = set()
        features: dict[str, bool] = {}
        settings: dict[str, dict[str, Any]] = {}
        seed: dict[str, dict[str, Any]] = {}
        for preset in chain:
            listed.update(preset.plugins)
            features.update(preset.features)
            _merge(settings, preset.settings)
            _merge(seed, preset.seed)
        plugins = {plugin for plugin in listed if features.get(plugin, True)}
        if registry is not None:
            plugins = close_requires(plugins, registry)
        own = chain[-1]
        return ResolvedPreset(
            name=own.name,
            title=own.title,
            description=_nearest(chain, "description", ""),
            industry=_nearest(chain, "industry", "general"),
            plugins=frozenset(plugins),
            features=features,
            settings=settings,
            seed=seed,
            chain=tuple(preset.name for preset in chain),
        )

    def _problem(self, preset: Preset, message: str) -> Problem:
        return Problem(preset=preset.name, source=self.source(preset.name), message=message)


def close_requires(plugins: Iterable[str], registry: PluginRegistry) -> set[str]:
    """Return ``plugins`` with every plugin they require, directly or not, added."""
    closed = set(plugins)
    pending = list(closed)
    while pending:
        record = registry.get(pending.pop())
        for required in record.manifest.requires if record and record.manifest else ():
            if required not in closed:
                closed.add(required)
                pending.append(required)
    return closed


def _merge(into: dict[str, dict[str, Any]], tables: Mapping[str, Mapping[str, Any]]) -> None:
    for plugin, values in tables.items():
        into.setdefault(plugin, {}).update(copy.deepcopy(dict(values)))


def _nearest(chain: Sequence[Preset], field: str, default: str) -> str:
    for preset in reversed(chain):
        value: str | None = getattr(preset, field)
        if value is not None:
            return value
    return default
