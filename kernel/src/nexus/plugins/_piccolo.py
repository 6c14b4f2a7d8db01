"""The plugins' Piccolo apps: what the kernel configures and migrates besides its own."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nexus.plugins._registry import PluginRegistry

__all__ = ("piccolo_app_paths",)


def piccolo_app_paths(registry: PluginRegistry) -> list[str]:
    """Return the Piccolo app module paths of the loaded plugins, in start order."""
    paths = []
    for record in registry.loaded:
        path = registry.call(record.name, "nexus_piccolo_app")
        if path:
            paths.append(path)
    return paths
