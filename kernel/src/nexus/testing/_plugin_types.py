"""The settings types of the plugins tests use, for checking the settings tests keep."""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TYPE_CHECKING

from nexus.plugins import load_plugins
from nexus.settings import Settings

if TYPE_CHECKING:
    import msgspec

    from nexus.plugins import PluginRegistry

__all__ = ("remember_plugins", "settings_type")

# The plugins test apps were built with (the newest wins): their settings types.
_SETTINGS_TYPES: dict[str, type[msgspec.Struct] | None] = {}


def remember_plugins(registry: PluginRegistry) -> None:
    """Note the settings types of ``registry``'s plugins (``create_test_client`` calls it)."""
    for record in registry.records:
        if record.manifest is not None:
            _SETTINGS_TYPES[record.name] = record.manifest.settings


def settings_type(plugin: str) -> type[msgspec.Struct] | None:
    """The plugin's settings type: of a test app's plugin, else of an installed one."""
    if plugin not in _SETTINGS_TYPES:
        for entry_point in entry_points(group="nexus.plugins", name=plugin):
            remember_plugins(load_plugins(Settings(), plugins=[entry_point.load()]))
    return _SETTINGS_TYPES.get(plugin)
