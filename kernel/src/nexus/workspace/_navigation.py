"""What the signed-in user may reach: enabled plugins' routes ∩ the user's permissions."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec
from litestar.routes import HTTPRoute

from nexus.identity import request_principal
from nexus.workspace._declarations import declarations

if TYPE_CHECKING:
    from collections.abc import Container
    from uuid import UUID

    from litestar import Litestar

    from nexus.services import Kernel

__all__ = ("Navigation", "Operation", "PluginEntry", "navigation")

_PARAM = re.compile(r"\{(\w+)(?::[^}]*)?\}")


class Operation(msgspec.Struct, frozen=True, kw_only=True):
    """A route the user may call: the method and the path as the OpenAPI document names it."""

    method: str
    path: str
    plugin: str


class PluginEntry(msgspec.Struct, frozen=True, kw_only=True):
    """An enabled plugin: its name and title."""

    name: str
    title: str


class Navigation(msgspec.Struct, frozen=True, kw_only=True):
    """The workspace's navigation for the caller in its tenant."""

    tenant_id: str
    plugins: list[PluginEntry]
    operations: list[Operation]
    ui: list[dict[str, Any]]


def _operations(app: Litestar, enabled: Container[str], may: Any) -> list[Operation]:
    found: list[Operation] = []
    for route in app.routes:
        if not isinstance(route, HTTPRoute):
            continue
        path = _PARAM.sub(r"{\1}", route.path)
        for handler in route.route_handlers:
            opt = handler.opt
            plugin = opt.get("nexus_plugin")
            if plugin is None or plugin not in enabled:
                continue
            feature = opt.get("feature")
            if feature is not None and feature not in enabled:
                continue
            if opt.get("nexus_access", "tenant") != "tenant":
                continue
            permission = opt.get("permission")
            if permission and not may(permission):
                continue
            found.extend(
                Operation(method=method, path=path, plugin=plugin)
                for method in sorted(handler.http_methods)
                if method not in {"HEAD", "OPTIONS"}
            )
    return found


async def navigation(kernel: Kernel, app: Litestar, request: Any, tenant_id: UUID) -> Navigation:
    """The plugins, routes and declarations the caller may use, as of now."""
    held = await kernel.features.toggles.features(tenant_id)
    principal = request_principal(request)
    members = kernel.registry.permissions("member")
    operations = _operations(
        app, held.enabled, lambda permission: principal.may(permission, members)
    )
    reachable = {(op.method, op.path) for op in operations}
    ui: list[dict[str, Any]] = []
    for plugin, item in declarations(kernel.registry):
        # A card's path may carry a query (``/deals?status=open``): the route is before it.
        if plugin not in held.enabled or ("GET", item.path.split("?")[0]) not in reachable:
            continue
        entry = msgspec.to_builtins(item)
        entry["plugin"] = plugin
        entry["kind"] = type(item).__name__
        ui.append(entry)
    plugins = [
        PluginEntry(name=record.name, title=record.manifest.title)
        for record in kernel.registry.loaded
        if record.manifest and record.name in held.enabled
    ]
    return Navigation(tenant_id=str(tenant_id), plugins=plugins, operations=operations, ui=ui)
