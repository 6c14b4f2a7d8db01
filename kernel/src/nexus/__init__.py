"""Nexus kernel: a multi-tenant business operating system on Litestar and pluggy.

Example::

    from nexus import create_app
    app = create_app()  # NEXUS_* settings, installed plugins, embedded PostgreSQL by default
"""

from __future__ import annotations

from nexus.app import create_app
from nexus.plugins import PluginRegistry, PluginState, load_plugins
from nexus.settings import Settings
from nexus.version import __version__

__all__ = ("PluginRegistry", "PluginState", "Settings", "__version__", "create_app", "load_plugins")
