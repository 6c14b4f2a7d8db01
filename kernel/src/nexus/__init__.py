"""Nexus kernel: a multi-tenant business operating system on Litestar and pluggy.

Example::

    from nexus import create_app
    app = create_app()  # NEXUS_* settings, installed plugins, embedded PostgreSQL by default
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("nexus-kernel")
except PackageNotFoundError:  # pragma: no cover - running from a source tree
    __version__ = "0.0.0"

from nexus.app import create_app  # noqa: E402 - needs __version__
from nexus.plugins import PluginRegistry, PluginState, load_plugins  # noqa: E402
from nexus.settings import Settings  # noqa: E402

__all__ = ("PluginRegistry", "PluginState", "Settings", "__version__", "create_app", "load_plugins")
