"""The ``features`` and ``plugin_settings`` dependencies of plugin routes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus.features._settings import PluginSettingsPort, SettingsReader
from nexus.http import request_tenant

if TYPE_CHECKING:
    from collections.abc import Callable
    from uuid import UUID

    from litestar import Request

    from nexus.db import PostgresDatabase
    from nexus.features._toggles import Toggles
    from nexus.plugins import PluginRegistry

__all__ = ("RequestFeatures", "feature_ports")


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
) -> dict[str, Callable[[Request[Any, Any, Any]], Any]]:
    """The dependency functions giving each request its ``features`` and ``plugin_settings``."""
    reader = SettingsReader(registry)

    def provide_features(request: Request[Any, Any, Any]) -> RequestFeatures:
        return RequestFeatures(toggles, request_tenant(request))

    def provide_plugin_settings(request: Request[Any, Any, Any]) -> PluginSettingsPort:
        return PluginSettingsPort(database, reader, request.route_handler.opt.get("nexus_plugin"))

    return {"features": provide_features, "plugin_settings": provide_plugin_settings}
