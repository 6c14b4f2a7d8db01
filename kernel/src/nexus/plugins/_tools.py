"""Tools plugins offer the tenant's assistants (``nexus_ai_tools``): collected and checked.

A plugin registers each :class:`~nexus_hookspecs.Tool` (and, since 0.1.6, each
:class:`~nexus_hookspecs.Resource` and :class:`~nexus_hookspecs.Prompt`) under its own
name's prefix, with a permission its manifest declares. A plugin whose ``nexus_ai_tools``
raises or registers something the contract refuses is refused as a whole, with the reason,
like a bad service.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import Prompt, Resource, Tool

from nexus.plugins._services import SERVICE_PATTERN

if TYPE_CHECKING:
    from collections.abc import Callable

    from nexus_hookspecs import Manifest

__all__ = ("AiOffer", "collect_tools", "tool_problems")


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


class AiOffer(msgspec.Struct, frozen=True, kw_only=True):
    """What one plugin offers the tenant's assistants."""

    tools: tuple[Tool, ...] = ()
    resources: tuple[Resource, ...] = ()
    prompts: tuple[Prompt, ...] = ()


def _other_problems(
    plugin: str, manifest: Manifest, item: Resource | Prompt, seen: set[str]
) -> list[str]:
    kind = "resource" if isinstance(item, Resource) else "prompt"
    name = item.name
    if not isinstance(name, str) or not SERVICE_PATTERN.match(name):
        return [f"{kind} name {name!r} is not '<plugin>.<name>' in lower-case dotted parts"]
    problems: list[str] = []
    if not name.startswith(f"{plugin}."):
        problems.append(f"{kind} {name!r} is named for another plugin (names start '{plugin}.')")
    if isinstance(item, Resource) and name.count(".") != 1:
        problems.append(f"resource {name!r} must be '<plugin>.<kind>' (one dot)")
    if f"{kind}:{name}" in seen:
        problems.append(f"{kind} {name!r} is registered twice")
    handler = item.read if isinstance(item, Resource) else item.render
    if not callable(handler):
        problems.append(f"{kind} {name!r} has no callable handler")
    if isinstance(item, Prompt) and not (
        isinstance(item.arguments, type) and issubclass(item.arguments, msgspec.Struct)
    ):
        problems.append(f"prompt {name!r}: arguments must be a msgspec Struct type")
    if not (isinstance(item.description, str) and item.description.strip()):
        problems.append(f"{kind} {name!r} has no description")
    if item.permission not in {p.key for p in manifest.permissions}:
        problems.append(f"{kind} {name!r} needs {item.permission!r}, not declared in the manifest")
    return problems


def collect_tools(
    plugin: str, manifest: Manifest, call: Callable[..., Any]
) -> tuple[AiOffer, str | None]:
    """Call ``nexus_ai_tools`` of ``plugin`` through ``call``; its offer, or why it fails."""
    registered: list[object] = []
    try:
        call(plugin, "nexus_ai_tools", register=registered.append)
    except Exception as exc:  # noqa: BLE001 - a plugin's bug must not stop the kernel
        return AiOffer(), f"nexus_ai_tools failed: {type(exc).__name__}: {exc}"
    seen: set[str] = set()
    others: set[str] = set()
    problems: list[str] = []
    for item in registered:
        if isinstance(item, (Resource, Prompt)):
            problems.extend(_other_problems(plugin, manifest, item, others))
            others.add(f"{'resource' if isinstance(item, Resource) else 'prompt'}:{item.name}")
            continue
        problems.extend(tool_problems(plugin, manifest, item, seen))
        if isinstance(item, Tool):
            seen.add(item.name)
    if problems:
        return AiOffer(), "tools refused: " + "; ".join(problems)
    return (
        AiOffer(
            tools=tuple(t for t in registered if isinstance(t, Tool)),
            resources=tuple(r for r in registered if isinstance(r, Resource)),
            prompts=tuple(p for p in registered if isinstance(p, Prompt)),
        ),
        None,
    )
