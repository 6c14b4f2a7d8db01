"""Checks on what a plugin contributes: its routes, the permissions they use, its settings.

:func:`route_problems` decides whether a plugin's routes may be mounted at all (the bridge
refuses the plugin otherwise); :func:`declaration_problems` and :func:`settings_problems`
are findings of ``nexus plugins doctor``.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Router

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler
    from nexus_hookspecs import Manifest

__all__ = (
    "API_PREFIX",
    "declaration_problems",
    "plugin_router",
    "route_problems",
    "settings_problems",
)

API_PREFIX = "/api/v1"

# Route options the kernel sets itself: a handler that sets them claims another identity.
_RESERVED_OPT = ("nexus_plugin",)

# Who a plugin route may admit (``opt["nexus_access"]``): tenant principals (the default),
# any principal, or anyone (webhooks, which check their own signatures). Platform
# administration is the kernel's alone.
_PLUGIN_ACCESS = ("tenant", "authenticated", "public")


def plugin_router(name: str, handlers: list[ControllerRouterHandler]) -> Router:
    """The router that mounts a plugin's handlers under ``/api/v1/<name>``."""
    return Router(
        path=f"{API_PREFIX}/{name}",
        route_handlers=handlers,
        tags=[name],
        opt={"nexus_plugin": name},
    )


def _handlers(router: Router) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []
    for route in router.routes:
        handlers = getattr(route, "route_handlers", None) or [getattr(route, "route_handler", None)]
        found.extend(
            (route.path, handler)
            for handler in handlers
            if handler is not None and getattr(handler, "handler_name", "") != "options_handler"
        )
    return found


def route_problems(name: str, router: Router) -> list[str]:
    """Return why ``router``'s routes may not be mounted for plugin ``name`` (empty if fine).

    Every path must stay under ``/api/v1/<name>/`` once normalised (no ``..`` escaping
    it), no handler may claim another plugin's identity through its ``opt``, and none may
    ask for platform-admin access (``nexus_access`` is ``tenant``, ``authenticated`` or
    ``public``).
    """
    prefix = f"{API_PREFIX}/{name}"
    problems: list[str] = []
    for path, handler in _handlers(router):
        normal = posixpath.normpath(path)
        if normal != prefix and not normal.startswith(prefix + "/"):
            problems.append(f"route {path} is outside {prefix}/")
        for key in _RESERVED_OPT:
            if key in handler.opt and handler.opt[key] != name:
                problems.append(
                    f"route {path} sets opt {key}={handler.opt[key]!r}, which only the kernel sets"
                )
        access = handler.opt.get("nexus_access", "tenant")
        if access not in _PLUGIN_ACCESS:
            problems.append(
                f"route {path} sets opt nexus_access={access!r}; plugin routes may use "
                + ", ".join(repr(a) for a in _PLUGIN_ACCESS)
            )
    return sorted(set(problems))


def declaration_problems(manifest: Manifest, router: Router) -> list[str]:
    """Return permissions and features the routes check but the manifest does not declare."""
    permissions = {permission.key for permission in manifest.permissions}
    features = set(manifest.feature_keys())
    problems: set[str] = set()
    for path, handler in _handlers(router):
        permission = handler.opt.get("permission")
        if permission and permission not in permissions:
            problems.add(
                f"route {path} requires the permission {permission}, "
                "which the manifest does not declare"
            )
        feature = handler.opt.get("feature")
        if feature and feature not in features:
            problems.add(
                f"route {path} is gated by the feature {feature}, "
                "which the manifest does not declare"
            )
    return sorted(problems)


def settings_problems(manifest: Manifest) -> list[str]:
    """Return why the manifest's settings Struct cannot serve as a per-tenant schema.

    Presets are TOML and the kernel stores settings as JSON, so the Struct must have a JSON
    schema, and a tenant enabled without preset values gets the defaults: every field needs
    one.
    """
    schema = manifest.settings
    if schema is None:
        return []
    try:
        msgspec.json.schema(schema)
    except (TypeError, ValueError) as exc:
        return [f"settings {schema.__name__} has no JSON schema: {_one_line(exc)}"]
    try:
        defaults = msgspec.convert({}, schema, strict=False)
    except msgspec.ValidationError as exc:
        return [f"settings {schema.__name__} cannot be built from defaults alone: {_one_line(exc)}"]
    try:
        msgspec.convert(msgspec.json.decode(msgspec.json.encode(defaults)), schema, strict=False)
    except (TypeError, ValueError, msgspec.MsgspecError) as exc:
        return [f"settings {schema.__name__} do not survive a JSON round trip: {_one_line(exc)}"]
    return []


def _one_line(exc: Exception) -> str:
    return " ".join(str(exc).split())
