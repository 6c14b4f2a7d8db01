"""``nexus plugins doctor``: every check a plugin must pass, as a list of findings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import msgspec

from nexus.db import pending_app_migrations
from nexus.plugins._checks import (
    declaration_problems,
    implied_permission_warnings,
    plugin_router,
    route_problems,
    settings_problems,
)
from nexus.plugins._piccolo import piccolo_app_paths
from nexus.plugins._services import services_range_warnings

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler

    from nexus.plugins._registry import PluginRegistry

__all__ = ("Finding", "diagnose", "migration_findings")


class Finding(msgspec.Struct, frozen=True, kw_only=True):
    """One problem with one plugin.

    Attributes:
        plugin: The plugin's name.
        check: What was checked: the plugin's state (``failed``, ``blocked``) when it did not
            load, else ``routes``, ``permissions``, ``settings``, ``services`` or
            ``migrations``.
        problem: What is wrong, in one sentence.
        level: ``error`` (the plugin is broken, or will be refused: the doctor exits
            non-zero) or ``warning`` (it runs, but not as its author may think: routes of
            a plugin built for the 0.1.0 contract on implied permissions).
    """

    plugin: str
    check: str
    problem: str
    level: Literal["error", "warning"] = "error"

    def line(self) -> str:
        """``<plugin>: <check>: <problem>`` (``warning: `` before a warning's problem)."""
        level = "warning: " if self.level == "warning" else ""
        return f"{self.plugin}: {self.check}: {level}{self.problem}"


def diagnose(registry: PluginRegistry) -> list[Finding]:
    """Check every plugin the registry found, without a database.

    Plugins that did not load are findings (with their reason); each loaded plugin's routes
    must stay under its prefix and each require a permission (or be public), check only
    permissions and features it declares, and its settings Struct must be usable as a
    per-tenant schema. The routes a plugin built for the 0.1.0 contract leaves without a
    permission are warnings: they run on an implied one.
    """
    findings = [
        Finding(plugin=record.name, check=record.state.value, problem=record.reason or "")
        for record in registry.broken
    ]
    for record in registry.loaded:
        manifest = record.manifest
        if manifest is None:  # pragma: no cover - loaded plugins always have one
            continue
        findings.extend(
            Finding(plugin=record.name, check="settings", problem=problem)
            for problem in settings_problems(manifest)
        )
        findings.extend(
            Finding(plugin=record.name, check="services", problem=warning, level="warning")
            for warning in services_range_warnings(manifest, record.services)
        )
        handlers: list[ControllerRouterHandler] = []
        try:
            registry.call(record.name, "nexus_routes", register=handlers.append)
            router = plugin_router(record.name, handlers)
        except Exception as exc:  # noqa: BLE001 - report a plugin's bug, do not crash on it
            findings.append(
                Finding(
                    plugin=record.name,
                    check="routes",
                    problem=f"nexus_routes failed: {type(exc).__name__}: {exc}",
                )
            )
            continue
        findings.extend(
            Finding(plugin=record.name, check="routes", problem=problem)
            for problem in route_problems(manifest, router)
        )
        findings.extend(
            Finding(plugin=record.name, check="permissions", problem=problem)
            for problem in declaration_problems(manifest, router)
        )
        findings.extend(
            Finding(plugin=record.name, check="permissions", problem=warning, level="warning")
            for warning in implied_permission_warnings(manifest, router)
        )
    return findings


async def migration_findings(registry: PluginRegistry, *, database_url: str) -> list[Finding]:
    """Return one finding per loaded plugin whose migrations are not all applied."""
    plugins = {record.name for record in registry.loaded}
    try:
        pending: dict[str, list[Any]] = await pending_app_migrations(
            piccolo_app_paths(registry), database_url=database_url
        )
    except Exception as exc:  # noqa: BLE001 - one finding, not a traceback
        return [
            Finding(
                plugin="*",
                check="migrations",
                problem=f"cannot read the applied migrations: {type(exc).__name__}: {exc}",
            )
        ]
    findings = [
        Finding(
            plugin=app,
            check="migrations",
            problem=f"{len(ids)} migration(s) not applied ({', '.join(ids)}); run nexus migrate",
        )
        for app, ids in sorted(pending.items())
        if ids and (app in plugins or app == "nexus")
    ]
    return findings
