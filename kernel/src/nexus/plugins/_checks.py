"""Checks on what a plugin contributes: its routes, the permissions they use, its settings.

:func:`route_problems` decides whether a plugin's routes may be mounted at all (the bridge
refuses the plugin otherwise); :func:`declaration_problems` and :func:`settings_problems`
are findings of ``nexus plugins doctor``.

Every plugin route says what it needs: a permission (``route_opt(permission=...)``, on the
route or its controller), or ``route_opt(access="public")`` for routes anyone may call
(webhooks). A plugin built for the 0.1.0 contract, which did not ask for it, still loads:
:func:`imply_permissions` gives each of its undeclared routes ``<plugin>:read`` (``GET``,
``HEAD``) or ``<plugin>:write`` (any other method), which only tenant admins hold, and the
doctor warns about each.
"""

from __future__ import annotations

import posixpath
from typing import TYPE_CHECKING, Any

import msgspec
from litestar import Router
from packaging.specifiers import InvalidSpecifier, SpecifierSet

from nexus.http import OPEN_ACCESS, TEXT_LINES_OPT, VISITOR_TENANT_PARAM

if TYPE_CHECKING:
    from litestar.types import ControllerRouterHandler
    from nexus_hookspecs import Manifest

__all__ = (
    "API_PREFIX",
    "declaration_problems",
    "imply_permissions",
    "implied_permission_warnings",
    "keep_text_lines",
    "plugin_router",
    "route_problems",
    "settings_problems",
)

API_PREFIX = "/api/v1"

# Route options the kernel sets itself: a handler that sets them claims another identity.
_RESERVED_OPT = ("nexus_plugin",)

# Who a plugin route may admit (``opt["nexus_access"]``): tenant principals (the default),
# any principal, anyone (webhooks, which check their own signatures), or anyone acting in
# the tenant its path names (visitors). Platform administration is the kernel's alone.
_PLUGIN_ACCESS = ("tenant", "authenticated", "public", "visitor")


# The last contract release whose plugins' routes could leave out their permission.
_UNDECLARED_CONTRACT = "0.1.0"
_READ_METHODS = frozenset({"GET", "HEAD"})


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


def _opt(handler: Any) -> dict[str, Any]:
    """The ``opt`` a handler ends up with: its router's, its controller's, then its own.

    (Litestar merges the layers only when the app registers the route.)
    """
    merged: dict[str, Any] = {}
    for layer in getattr(handler, "ownership_layers", [handler]):
        merged.update(getattr(layer, "opt", None) or {})
    return merged


def _path_parameters(path: str) -> set[str]:
    """The names of the ``{name:type}`` parameters of ``path``."""
    return {part[1:-1].split(":")[0] for part in path.split("/") if part.startswith("{")}


def _methods(handler: Any) -> str:
    """The handler's methods as a route names them: ``GET``, ``GET,POST``."""
    return ",".join(sorted(set(getattr(handler, "http_methods", ())) - {"OPTIONS"})) or "*"


def _undeclared(router: Router) -> list[tuple[str, str, Any]]:
    """``(methods, path, handler)`` of each route that needs a permission but names none."""
    return [
        (_methods(handler), path, handler)
        for path, handler in _handlers(router)
        if not (opt := _opt(handler)).get("permission")
        and opt.get("nexus_access", "tenant") not in OPEN_ACCESS
    ]


def _built_for_undeclared_routes(manifest: Manifest) -> bool:
    """Whether the plugin was built for the 0.1.0 contract, whose routes could omit permissions.

    Its ``hookspecs`` range admits 0.1.0 (``>=0.1,<0.2``); ``>=0.1.1,<0.2`` does not.
    """
    try:
        return SpecifierSet(manifest.hookspecs).contains(_UNDECLARED_CONTRACT, prereleases=True)
    except InvalidSpecifier:  # pragma: no cover - the manifest check refuses it first
        return False


def _implied(name: str, methods: str) -> str:
    """``<plugin>:read`` for a handler of reads only (``GET``, ``HEAD``), else ``:write``."""
    return f"{name}:read" if set(methods.split(",")) <= _READ_METHODS else f"{name}:write"


def route_problems(manifest: Manifest, router: Router) -> list[str]:
    """Return why ``router``'s routes may not be mounted for the plugin (empty if fine).

    Every path must stay under ``/api/v1/<name>/`` once normalised (no ``..`` escaping
    it), no handler may claim another plugin's identity through its ``opt``, none may
    ask for platform-admin access (``nexus_access`` is ``tenant``, ``authenticated``,
    ``public`` or ``visitor``), a visitor route names its tenant in its path
    (``{tenant:str}``), and every route that is neither public nor for visitors must
    require a permission (a plugin
    built for the 0.1.0 contract gets implied ones instead: :func:`imply_permissions`).
    """
    name = manifest.name
    prefix = f"{API_PREFIX}/{name}"
    problems: list[str] = []
    for path, handler in _handlers(router):
        opt = _opt(handler)
        normal = posixpath.normpath(path)
        if normal != prefix and not normal.startswith(prefix + "/"):
            problems.append(f"route {path} is outside {prefix}/")
        for key in _RESERVED_OPT:
            if key in opt and opt[key] != name:
                problems.append(
                    f"route {path} sets opt {key}={opt[key]!r}, which only the kernel sets"
                )
        access = opt.get("nexus_access", "tenant")
        if access not in _PLUGIN_ACCESS:
            problems.append(
                f"route {path} sets opt nexus_access={access!r}; plugin routes may use "
                + ", ".join(repr(a) for a in _PLUGIN_ACCESS)
            )
        if access == "visitor" and VISITOR_TENANT_PARAM not in _path_parameters(path):
            problems.append(
                f"route {path} is for visitors but has no {{{VISITOR_TENANT_PARAM}:str}} path "
                "parameter naming the tenant"
            )
    if not _built_for_undeclared_routes(manifest):
        problems.extend(
            f"route {method} {path} declares no permission: give it route_opt(permission=...), "
            "or route_opt(access='public') if anyone may call it"
            for method, path, _ in _undeclared(router)
        )
    return sorted(set(problems))


def implied_permission_warnings(manifest: Manifest, router: Router) -> list[str]:
    """Name each route of a 0.1.0-contract plugin that runs on an implied permission."""
    if not _built_for_undeclared_routes(manifest):
        return []
    return sorted(
        {
            f"route {method} {path} declares no permission; built for the "
            f"{_UNDECLARED_CONTRACT} contract (hookspecs {manifest.hookspecs}), it requires "
            f"the implied permission {_implied(manifest.name, method)} (tenant admins only); "
            "declare one with route_opt(permission=...)"
            for method, path, _ in _undeclared(router)
        }
    )


def imply_permissions(manifest: Manifest, router: Router) -> list[str]:
    """Give each undeclared route of a 0.1.0-contract plugin its implied permission.

    ``<plugin>:read`` for a handler of ``GET``/``HEAD`` only, ``<plugin>:write`` for any
    other; neither is declared, so only tenant admins (and keys scoped to it) hold it.
    Returns the doctor's warnings for them (empty for a plugin built for a later contract).
    """
    warnings = implied_permission_warnings(manifest, router)
    if warnings:
        for methods, _, handler in _undeclared(router):
            # A new dict: the router's handler is a shallow copy of the plugin's own.
            handler.opt = {**handler.opt, "permission": _implied(manifest.name, methods)}
    return warnings


def keep_text_lines(manifest: Manifest, router: Router) -> None:
    """Let every text field of a 0.1.0-contract plugin's bodies hold tabs and line breaks.

    That contract had no ``Multiline`` type, so its plugins' notes were plain ``str``; the
    other text rules (no other control character, no bidi override) hold for them too.
    """
    if _built_for_undeclared_routes(manifest):
        for _, handler in _handlers(router):
            handler.opt = {**handler.opt, TEXT_LINES_OPT: True}


def declaration_problems(manifest: Manifest, router: Router) -> list[str]:
    """Return permissions and features the routes check but the manifest does not declare."""
    permissions = {permission.key for permission in manifest.permissions}
    features = set(manifest.feature_keys())
    problems: set[str] = set()
    for path, handler in _handlers(router):
        opt = _opt(handler)
        permission = opt.get("permission")
        if permission and permission not in permissions:
            problems.add(
                f"route {path} requires the permission {permission}, "
                "which the manifest does not declare"
            )
        feature = opt.get("feature")
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
