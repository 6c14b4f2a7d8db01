"""Piccolo's configuration module for Nexus (``PICCOLO_CONF=nexus.db.piccolo_conf``).

Piccolo finds its engine and apps here. The kernel fills both in at run time
(:func:`nexus.db.configure_piccolo`) from the loaded plugins; used from Piccolo's own CLI
(``piccolo migrations new <plugin> --auto``) it configures itself from ``NEXUS_*``.
"""

from __future__ import annotations

from typing import Any

from nexus.db import _piccolo


def __getattr__(name: str) -> Any:
    if name == "DB":
        return _piccolo.current_engine()
    if name == "APP_REGISTRY":
        return _piccolo.current_registry()
    raise AttributeError(name)
