"""What the kernel checks before it loads a plugin or a preset, without a database."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.plugins import PluginState, diagnose, load_plugins
from nexus.presets import load_presets_from, validate
from nexus.testing._settings import kernel_settings

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Sequence

    from nexus.plugins import Finding, PluginRegistry
    from nexus.presets import PresetCatalog, Problem

__all__ = (
    "PluginState",
    "load_test_plugins",
    "load_test_presets",
    "plugin_findings",
    "preset_problems",
)


def load_test_plugins(plugins: Sequence[object]) -> PluginRegistry:
    """The registry the kernel builds with only ``plugins`` (no entry points are read).

    Each record says whether the plugin loaded and, if not, why:
    ``registry.get("loyalty").state`` is a :class:`PluginState`, ``.reason`` a sentence.

    Example::

        registry = load_test_plugins([acme_loyalty])
        record = registry.get("loyalty")
        assert record.state is PluginState.BLOCKED  # it requires the CRM, not loaded here
    """
    return load_plugins(kernel_settings(), plugins=list(plugins))


def plugin_findings(registry: PluginRegistry, *, warnings: bool = False) -> list[Finding]:
    """What ``nexus plugins doctor`` finds wrong with the registry's plugins (no database).

    Manifest, ``nexus-hookspecs`` range, requirements, routes under the plugin's prefix,
    a permission on every route that is not public, declared permissions and features,
    settings schema. Each finding has ``plugin``, ``check``, ``problem`` and ``level``.
    Only errors unless ``warnings`` is true (warnings: routes of a plugin built for the 0.1.0
    contract that run on an implied permission).

    Example::

        assert plugin_findings(load_test_plugins([nexus_bookings])) == []
    """
    return [f for f in diagnose(registry) if warnings or f.level == "error"]


def load_test_presets(paths: Iterable[str | os.PathLike[str]]) -> PresetCatalog:
    """A presets catalog read from these files and directories only (no installed packs).

    Raises:
        PresetError: when a file cannot be read or parsed, or a path does not exist.

    Example::

        catalog = load_test_presets([files("acme_presets")])
        preset = catalog.resolve("fitness-studio", registry=registry)
    """
    return load_presets_from(paths)


def preset_problems(catalog: PresetCatalog, registry: PluginRegistry) -> list[Problem]:
    """What ``nexus presets validate`` reports for ``catalog`` against ``registry``'s plugins.

    Unknown plugins and features, settings that do not match a plugin's settings schema,
    broken ``extends`` chains. Each problem has ``message``, ``preset``, ``source`` and
    ``level``.

    Example::

        assert preset_problems(load_test_presets([PRESETS]), registry) == []
    """
    return validate(catalog, registry)
