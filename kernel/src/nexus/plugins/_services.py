"""Services plugins offer each other (``nexus_services``): collected and checked at load.

A plugin registers each :class:`~nexus_hookspecs.Service` under its own name's prefix. A
plugin whose ``nexus_services`` raises or registers a service the contract refuses (a name
of another plugin, an invalid or repeated name, a request that is not a Struct, no handler
or no description) is refused as a whole, with the reason, like any other contract error.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import Service
from packaging.specifiers import InvalidSpecifier, SpecifierSet

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from nexus_hookspecs import Manifest

__all__ = ("SERVICE_PATTERN", "collect_services", "services_range_warnings")

# The last contract release without services.
_BEFORE_SERVICES = "0.1.1"

SERVICE_PATTERN = re.compile(r"^[a-z][a-z0-9_]{0,62}(\.[a-z][a-z0-9_]{0,62})+$")
"""``<plugin>.<verb>``, the verb one or more dot-separated lower-case parts."""


def service_problems(plugin: str, service: object, seen: set[str]) -> list[str]:
    """Why the contract refuses ``service`` registered by ``plugin`` (empty when it does not)."""
    if not isinstance(service, Service):
        return [f"registered {type(service).__name__}, not a Service"]
    name = service.name
    problems: list[str] = []
    if not isinstance(name, str) or not SERVICE_PATTERN.match(name):
        return [f"service name {name!r} is not '<plugin>.<verb>' in lower-case dotted parts"]
    if name.split(".", 1)[0] != plugin:
        problems.append(f"service {name!r} is named for another plugin (names start '{plugin}.')")
    if name in seen:
        problems.append(f"service {name!r} is registered twice")
    if not callable(service.handler):
        problems.append(f"service {name!r} has no callable handler")
    request = service.request
    if not (isinstance(request, type) and issubclass(request, msgspec.Struct)):
        problems.append(f"service {name!r}: request must be a msgspec Struct type")
    if not (isinstance(service.description, str) and service.description.strip()):
        problems.append(f"service {name!r} has no description")
    return problems


def collect_services(
    plugin: str, call: Callable[..., Any]
) -> tuple[tuple[Service, ...], str | None]:
    """Call ``nexus_services`` of ``plugin`` through ``call``; its services, or why it fails."""
    registered: list[object] = []
    try:
        call(plugin, "nexus_services", register=registered.append)
    except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the kernel
        return (), f"nexus_services failed: {type(exc).__name__}: {exc}"
    seen: set[str] = set()
    problems: list[str] = []
    for service in registered:
        problems.extend(service_problems(plugin, service, seen))
        if isinstance(service, Service):
            seen.add(service.name)
    if problems:
        return (), "services refused: " + "; ".join(problems)
    return tuple(s for s in registered if isinstance(s, Service)), None


def services_range_warnings(manifest: Manifest, services: Sequence[Service]) -> list[str]:
    """A warning when a plugin offers services but its range admits a contract without them."""
    if not services:
        return []
    try:
        admits = SpecifierSet(manifest.hookspecs).contains(_BEFORE_SERVICES, prereleases=True)
    except InvalidSpecifier:  # pragma: no cover - the manifest check refuses it first
        return []
    if not admits:
        return []
    names = ", ".join(service.name for service in services)
    return [
        f"offers services ({names}) but its hookspecs range {manifest.hookspecs!r} admits "
        f"nexus-hookspecs {_BEFORE_SERVICES}, which has none: declare '>=0.1.2,<0.2'"
    ]
