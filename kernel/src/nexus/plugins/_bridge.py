"""The one bridge from pluggy to Litestar: mounts plugin routes, runs lifecycle hooks."""

from __future__ import annotations

import inspect
import time
from typing import TYPE_CHECKING, Any

import structlog
from litestar.plugins import InitPlugin

from nexus.plugins._checks import (
    API_PREFIX,
    imply_permissions,
    keep_text_lines,
    plugin_router,
    route_problems,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from litestar import Litestar
    from litestar.config.app import AppConfig
    from litestar.types import ControllerRouterHandler
    from nexus_hookspecs import Background

    from nexus.plugins._registry import PluginRegistry

__all__ = ("API_PREFIX", "NexusBridge", "RouteEscapeError", "await_maybe")

log = structlog.get_logger("nexus.plugins")


async def await_maybe(value: Any) -> Any:
    """Await what a hook call returned: an awaitable, or a list of results (some awaitable)."""
    if isinstance(value, list):
        return [await await_maybe(item) for item in value]
    if inspect.isawaitable(value):
        return await value
    return value


class RouteEscapeError(RuntimeError):
    """A plugin tried to add routes outside ``nexus_routes`` (and so outside its prefix)."""


def _route_handlers(app: Litestar) -> set[tuple[str, int]]:
    return {
        (route.path, id(handler))
        for route in app.routes
        for handler in getattr(route, "route_handlers", ())
    }


class NexusBridge(InitPlugin):
    """Mount each loaded plugin's routes under ``/api/v1/<plugin>/`` and run its hooks.

    At start-up every plugin's ``nexus_startup`` runs, then (given ``background``, which
    makes each plugin's ``Background`` port) every plugin's ``nexus_background``.

    A plugin whose ``nexus_routes`` raises, or whose routes are refused (outside its prefix,
    without a permission, ...), is marked failed (with the plugins that require it) and the
    app starts without it.
    """

    def __init__(
        self,
        registry: PluginRegistry,
        *,
        background: Callable[[str], Background] | None = None,
    ) -> None:
        self.registry = registry
        self.background = background

    def on_app_init(self, app_config: AppConfig) -> AppConfig:
        """Add one router per plugin and the start-up and shut-down hooks."""
        for record in list(self.registry.loaded):
            manifest = record.manifest
            if self.registry.get(record.name) is not record or record.plugin is None:
                continue
            if manifest is None:  # pragma: no cover - loaded plugins always have one
                continue
            handlers: list[ControllerRouterHandler] = []
            started = time.perf_counter()
            try:
                self.registry.call(record.name, "nexus_routes", register=handlers.append)
                router = plugin_router(record.name, handlers)
            except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the kernel
                self.registry.fail(record.name, f"nexus_routes failed: {type(exc).__name__}: {exc}")
                log.error("plugin routes failed", plugin=record.name, error=str(exc))
                continue
            refused = route_problems(manifest, router)
            if refused:
                self.registry.fail(record.name, "routes refused: " + "; ".join(refused))
                log.error("plugin routes refused", plugin=record.name, problems=refused)
                continue
            implied = imply_permissions(manifest, router)
            keep_text_lines(manifest, router)
            record.timed("routes", started)
            if implied:
                log.warning(
                    "plugin routes on implied permissions", plugin=record.name, routes=implied
                )
            if handlers:
                app_config.route_handlers.append(router)
        app_config.on_startup.append(self._startup)
        app_config.on_shutdown.append(self._shutdown)
        return app_config

    async def _startup(self, app: Litestar) -> None:
        for record in self.registry.loaded:
            before = _route_handlers(app)
            started = time.perf_counter()
            await await_maybe(self.registry.call(record.name, "nexus_startup", app=app))
            record.timed("startup", started)
            added = sorted({path for path, _ in _route_handlers(app) - before})
            if added:
                # Routes cannot be taken out of a running app: refuse to serve with them.
                raise RouteEscapeError(
                    f"plugin '{record.name}' added routes in nexus_startup ({', '.join(added)}); "
                    f"plugins contribute routes through nexus_routes, under {API_PREFIX}/"
                    f"{record.name}/ only"
                )
        if self.background is None:
            return
        for record in self.registry.loaded:
            if self.registry.implements(record.name, "nexus_background"):
                work, started = self.background(record.name), time.perf_counter()
                await await_maybe(self.registry.call(record.name, "nexus_background", work=work))
                record.timed("background", started)

    async def _shutdown(self, app: Litestar) -> None:
        for record in reversed(self.registry.loaded):
            try:
                await await_maybe(self.registry.call(record.name, "nexus_shutdown", app=app))
            except Exception:  # noqa: BLE001 - shut the others down regardless
                log.exception("plugin shutdown failed", plugin=record.name)
