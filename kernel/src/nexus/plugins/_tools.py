"""Tools plugins offer the tenant's assistants (``nexus_ai_tools``): collected and checked.

A plugin registers each :class:`~nexus_hookspecs.Tool` under its own name's prefix, with a
permission its manifest declares. A plugin whose ``nexus_ai_tools`` raises or registers a
tool the contract refuses is refused as a whole, with the reason, like a bad service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import Tool

from nexus.plugins._services import SERVICE_PATTERN

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Manifest

__all__ = ("collect_tools", "tool_problems")


def tool_problems(plugin: str, manifest: Manifest, tool: object, seen: set[str]) -> list[str]:
    """Why the contract refuses ``tool`` registered by ``plugin`` (empty when it does not)."""
    if not isinstance(tool, Tool):
        return [f"registered {type(tool).__name__}, not a Tool"]
    name = tool.name
    if not isinstance(name, str) or not SERVICE_PATTERN.match(name):
        return [f"tool name {name!r} is not '<plugin>.<verb>' in lower-case dotted parts"]
    problems: list[str] = []
    if name.split(".", 1)[0] != plugin:
        problems.append(f"tool {name!r} is named for another plugin (names start '{plugin}.')")
    if name in seen:
        problems.append(f"tool {name!r} is registered twice")
    if not callable(tool.handler):
        problems.append(f"tool {name!r} has no callable handler")
    if not (isinstance(tool.input, type) and issubclass(tool.input, msgspec.Struct)):
        problems.append(f"tool {name!r}: input must be a msgspec Struct type")
    if not (isinstance(tool.description, str) and tool.description.strip()):
        problems.append(f"tool {name!r} has no description")
    declared = {permission.key for permission in manifest.permissions}
    if tool.permission not in declared:
        problems.append(f"tool {name!r} needs {tool.permission!r}, not declared in the manifest")
    return problems


def collect_tools(
    plugin: str, manifest: Manifest, call: Callable[..., Any]
) -> tuple[tuple[Tool, ...], str | None]:
    """Call ``nexus_ai_tools`` of ``plugin`` through ``call``; its tools, or why it fails."""
    registered: list[object] = []
    try:
        call(plugin, "nexus_ai_tools", register=registered.append)
    except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the kernel
        return (), f"nexus_ai_tools failed: {type(exc).__name__}: {exc}"
    seen: set[str] = set()
    problems: list[str] = []
    for tool in registered:
        problems.extend(tool_problems(plugin, manifest, tool, seen))
        if isinstance(tool, Tool):
            seen.add(tool.name)
    if problems:
        return (), "tools refused: " + "; ".join(problems)
    return tuple(t for t in registered if isinstance(t, Tool)), None
