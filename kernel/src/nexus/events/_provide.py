"""The ``events`` dependency: a publisher bound to the request's tenant and plugin."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus.events._envelope import KERNEL_SOURCE
from nexus.events._publisher import OutboxPublisher
from nexus.http import request_tenant

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar.connection import ASGIConnection

    from nexus.plugins import PluginRegistry

__all__ = ("events_provider",)


def events_provider(
    registry: PluginRegistry,
) -> Callable[[ASGIConnection[Any, Any, Any, Any]], OutboxPublisher]:
    """Return the dependency function giving each request its ``events`` port.

    A plugin's route may publish only the types its manifest declares; kernel routes may
    publish any.
    """
    declared = {
        record.name: frozenset(record.manifest.event_names())
        for record in registry.loaded
        if record.manifest is not None
    }

    def provide_events(request: ASGIConnection[Any, Any, Any, Any]) -> OutboxPublisher:
        plugin = request.route_handler.opt.get("nexus_plugin")
        return OutboxPublisher(
            tenant_id=request_tenant(request),
            plugin=plugin or KERNEL_SOURCE,
            declared=declared.get(plugin, frozenset()) if plugin else None,
        )

    return provide_events
