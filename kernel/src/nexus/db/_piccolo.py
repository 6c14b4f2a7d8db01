"""Wiring Piccolo to the kernel: one engine, one app per plugin."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from nexus.lazy import lazy_module

# piccolo.conf.apps (every plugin's piccolo_app imports it) imports black at its top, half a
# second of start-up, to format the migrations ``piccolo migrations new`` writes: a server
# never does, so black runs its code only if something uses it.
lazy_module("black")

from piccolo.apps.migrations.tables import Migration  # noqa: E402 - after black is lazy
from piccolo.conf.apps import AppRegistry  # noqa: E402

if TYPE_CHECKING:
    from piccolo.engine.base import Engine

__all__ = ("KERNEL_APP", "configure_piccolo", "configured_engine", "configured_registry")

CONF_MODULE = "nexus.db.piccolo_conf"
KERNEL_APP = "nexus.db.piccolo_app"

_engine: Engine[Any] | None = None
_registry: AppRegistry | None = None


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


def configured_engine() -> Engine[Any] | None:
    """Return the engine :func:`configure_piccolo` set, if it was called in this process."""
    return _engine


def configured_registry() -> AppRegistry | None:
    """Return the app registry :func:`configure_piccolo` set, if it was called."""
    return _registry
