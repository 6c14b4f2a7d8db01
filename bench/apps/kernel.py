"""The full Nexus kernel with the bench plugin (or the CRM), configured from ``NEXUS_*``."""

from __future__ import annotations

from typing import TYPE_CHECKING

import nexus
import nexus_crm
from nexus import Settings, load_plugins

from bench.apps import plugin

if TYPE_CHECKING:
    from litestar import Litestar

__all__ = ("create_app", "create_crm_app")


def create_app() -> Litestar:
    """Return the kernel app with only the bench plugin loaded."""
    settings = Settings.from_env()
    registry = load_plugins(settings, plugins=[plugin])
    return nexus.create_app(settings, registry=registry)


def create_crm_app() -> Litestar:
    """Return the kernel app with only the CRM plugin (the installed package) registered."""
    settings = Settings.from_env()
    registry = load_plugins(settings, plugins=[nexus_crm])
    return nexus.create_app(settings, registry=registry)
