"""The plugin registry: discovery through entry points, validation, start order."""

from __future__ import annotations

from nexus.plugins._bridge import API_PREFIX, NexusBridge, await_maybe
from nexus.plugins._records import PluginRecord, PluginState
from nexus.plugins._registry import DuplicatePluginError, PluginRegistry, load_plugins

__all__ = (
    "API_PREFIX",
    "DuplicatePluginError",
    "NexusBridge",
    "PluginRecord",
    "PluginRegistry",
    "PluginState",
    "await_maybe",
    "load_plugins",
)
