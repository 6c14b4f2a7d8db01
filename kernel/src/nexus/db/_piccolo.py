"""Wiring Piccolo to the kernel: one engine, one app per plugin."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from piccolo.apps.migrations.tables import Migration
from piccolo.conf.apps import AppRegistry

from nexus.db._database import Engine as NexusEngine

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

    from nexus.plugins import PluginRegistry

__all__ = ("configure_piccolo", "current_engine", "current_registry", "piccolo_app_paths")

CONF_MODULE = "nexus.db.piccolo_conf"
KERNEL_APP = "nexus.db.piccolo_app"

_engine: Engine[Any] | None = None
_registry: AppRegistry | None = None


def piccolo_app_paths(registry: PluginRegistry) -> list[str]:
    """Return the Piccolo app module paths of the loaded plugins, in start order."""
    paths = []
    for record in registry.loaded:
        path = registry.call(record.name, "nexus_piccolo_app")
        if path:
            paths.append(path)
    return paths


def configure_piccolo(engine: Engine[Any], app_paths: list[str]) -> AppRegistry:
    """Make ``engine`` the engine of Piccolo and of every table of ``app_paths``."""
    global _engine, _registry  # noqa: PLW0603 - Piccolo finds its configuration by module
    os.environ["PICCOLO_CONF"] = CONF_MODULE
    _engine = engine
    _registry = AppRegistry(apps=app_paths)
    # Tables cache the engine they first found; bind them (and Piccolo's own migration
    # table) to this one so a process never queries through a stale engine.
    Migration._meta.db = engine
    for app_config in _registry.app_configs.values():
        for table in app_config.table_classes:
            table._meta.db = engine
    return _registry


def current_engine() -> Engine[Any]:
    """Return the configured engine, configuring from ``NEXUS_*`` on first use."""
    if _engine is None:
        _configure_from_env()
    assert _engine is not None
    return _engine


def current_registry() -> AppRegistry:
    """Return the configured app registry, configuring from ``NEXUS_*`` on first use."""
    if _registry is None:
        _configure_from_env()
    assert _registry is not None
    return _registry


def _configure_from_env() -> None:
    from nexus.db._url import resolve_database_url  # noqa: PLC0415 - avoids an import cycle
    from nexus.plugins import load_plugins  # noqa: PLC0415
    from nexus.settings import Settings  # noqa: PLC0415

    settings = Settings.from_env()
    url = resolve_database_url(settings)
    engine = NexusEngine(
        config={"dsn": url, "server_settings": {"role": settings.db_owner_role}}, extensions=()
    )
    configure_piccolo(engine, [KERNEL_APP, *piccolo_app_paths(load_plugins(settings))])
