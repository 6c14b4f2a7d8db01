"""{{ cookiecutter.title }}: {{ cookiecutter.summary }}

The kernel finds this module through the ``nexus.plugins`` entry point and calls the hooks
below; this module holds the hook implementations and nothing else. Everything the plugin
is allowed to know about the kernel comes from ``nexus_hookspecs`` (its HTTP kit:
``nexus_hookspecs.http``).
"""

from __future__ import annotations

from typing import Any

from nexus_hookspecs import Manifest, Permission, hookimpl

from {{ cookiecutter.module }}._events import ITEM_CREATED
from {{ cookiecutter.module }}._examples import EXAMPLE_PAYLOADS
from {{ cookiecutter.module }}._handlers import mark_processed
from {{ cookiecutter.module }}._keys import ITEMS_READ, ITEMS_WRITE
from {{ cookiecutter.module }}._routes_items import ItemController
from {{ cookiecutter.module }}._settings import {{ cookiecutter.__class_prefix }}Settings

__version__ = "0.1.0"

__all__ = (
    "nexus_event_handlers",
    "nexus_manifest",
    "nexus_piccolo_app",
    "nexus_routes",
)


@hookimpl
def nexus_manifest() -> Manifest:
    """Describe the plugin: the kernel validates this before calling any other hook."""
    return Manifest(
        name="{{ cookiecutter.plugin_name }}",
        version=__version__,
        title="{{ cookiecutter.title }}",
        summary="{{ cookiecutter.summary }}",
        hookspecs="{{ cookiecutter.hookspecs_range }}",
        permissions=(
            Permission(
                key=ITEMS_READ,
                description="List and show items.",
                roles=("tenant_admin", "member"),
            ),
            Permission(
                key=ITEMS_WRITE,
                description="Create, change and delete items.",
                roles=("tenant_admin", "member"),
            ),
        ),
        settings={{ cookiecutter.__class_prefix }}Settings,
        events=(ITEM_CREATED,),
        tenant_tables=("{{ cookiecutter.plugin_name }}_item",),
        example_payloads=EXAMPLE_PAYLOADS,
    )


@hookimpl
def nexus_routes(register: Any) -> None:
    """Mount the controller under /api/v1/{{ cookiecutter.plugin_name }}/."""
    register(ItemController)


@hookimpl
def nexus_piccolo_app() -> str:
    """Name the Piccolo app holding the table and its migrations."""
    return "{{ cookiecutter.module }}.piccolo_app"


@hookimpl
def nexus_event_handlers(register: Any) -> None:
    """Consume events: here, the plugin's own ``item.created``."""
    register(ITEM_CREATED.type, mark_processed)
