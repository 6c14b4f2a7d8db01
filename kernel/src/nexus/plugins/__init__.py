"""The plugin registry: discovery through entry points, validation, start order."""

from __future__ import annotations

from nexus.plugins._allowlist import Allowlist, AllowlistError
from nexus.plugins._bridge import API_PREFIX, NexusBridge, await_maybe
from nexus.plugins._doctor import Finding, diagnose, migration_findings
from nexus.plugins._piccolo import piccolo_app_paths
from nexus.plugins._records import PluginRecord, PluginState
from nexus.plugins._reference import hook_docs, render_reference
from nexus.plugins._registry import DuplicatePluginError, PluginRegistry, load_plugins
from nexus.plugins._validate import compatible_range

__all__ = (
    "API_PREFIX",
    "Allowlist",
    "AllowlistError",
    "DuplicatePluginError",
    "Finding",
    "NexusBridge",
    "PluginRecord",
    "PluginRegistry",
    "PluginState",
    "await_maybe",
    "compatible_range",
    "diagnose",
    "hook_docs",
    "load_plugins",
    "migration_findings",
    "piccolo_app_paths",
    "render_reference",
)
