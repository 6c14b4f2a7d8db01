"""The ``features``, ``settings`` and ``plugin_settings`` dependencies of plugin routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from litestar.exceptions import ImproperlyConfiguredException

from nexus.features._settings import PluginSettingsPort, SettingsReader
from nexus.http import request_tenant

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from litestar.connection import ASGIConnection
    from litestar.types import Scope

    from nexus.db import PostgresDatabase
    from nexus.features._evaluate import TenantFeatures
    from nexus.features._toggles import Toggles
    from nexus.plugins import PluginRegistry

__all__ = ("RequestFeatures", "bind_tenant_features", "feature_ports", "request_features")

_FEATURES = "tenant_features"


def bind_tenant_features(scope: Scope, features: TenantFeatures) -> None:
    """Keep the snapshot a plugin route was admitted with (the gate's job alone)."""
    scope["state"][_FEATURES] = features


def request_features(request: ASGIConnection[Any, Any, Any, Any]) -> TenantFeatures | None:
    """The snapshot the gate admitted a plugin route with; ``None`` on other routes."""
    features: TenantFeatures | None = request.scope["state"].get(_FEATURES)
    return features


class RequestFeatures:
    """The :class:`nexus_hookspecs.Features` port: the request's tenant's toggles."""

    __slots__ = ("_tenant_id", "_toggles")

    def __init__(self, toggles: Toggles, tenant_id: UUID | None) -> None:
        self._toggles = toggles
        self._tenant_id = tenant_id

    async def enabled(self, key: str) -> bool:
        """Whether ``key`` is on for the request's tenant (never, on a platform request)."""
        if self._tenant_id is None:
            return False
        return await self._toggles.is_enabled(self._tenant_id, key)


def feature_ports(
    database: PostgresDatabase, registry: PluginRegistry, toggles: Toggles
) -> dict[str, Callable[[ASGIConnection[Any, Any, Any, Any]], Any]]:
    """The dependency functions giving each request ``features``, ``settings``, ``plugin_settings``.

    ``settings`` is the request tenant's settings of the route's plugin, the decoded
    settings Struct, straight from the snapshot the gate admitted the request with: no
    database round trip. It exists on plugin routes acting in a tenant.
    """
    reader = toggles.reader or SettingsReader(registry)

    def provide_features(request: ASGIConnection[Any, Any, Any, Any]) -> RequestFeatures:
        return RequestFeatures(toggles, request_tenant(request))

    def provide_settings(request: ASGIConnection[Any, Any, Any, Any]) -> Any:
        held = request_features(request)
        plugin = request.route_handler.opt.get("nexus_plugin")
        if held is None or plugin is None:
            raise ImproperlyConfiguredException(
                "the settings dependency is for plugin routes acting in a tenant"
            )
        return reader.held(held, plugin)

    def provide_plugin_settings(request: ASGIConnection[Any, Any, Any, Any]) -> PluginSettingsPort:
        return PluginSettingsPort(
            toggles,
            reader,
            request.route_handler.opt.get("nexus_plugin"),
            tenant_id=request_tenant(request),
            held=request_features(request),
        )

    return {
        "features": provide_features,
        "settings": provide_settings,
        "plugin_settings": provide_plugin_settings,
    }
