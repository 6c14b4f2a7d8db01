"""The ``nexus_ui`` declarations of the loaded plugins, collected once per registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import UiCard, UiResource

if TYPE_CHECKING:
    from nexus.plugins import PluginRegistry

__all__ = ("Declared", "declarations")

Declared = tuple[str, UiResource | UiCard]
"""A plugin's name and one of its declarations."""

_SEEN: dict[int, tuple[Declared, ...]] = {}


def _collect(registry: PluginRegistry) -> tuple[Declared, ...]:
    found: list[Declared] = []
    for record in registry.loaded:
        registered: list[Any] = []
        try:
            registry.call(record.name, "nexus_ui", register=registered.append)
        except Exception:  # noqa: BLE001, S112 - a plugin's bug leaves it the generated views
            continue
        found.extend(
            (record.name, item) for item in registered if isinstance(item, UiResource | UiCard)
        )
    return tuple(found)


def declarations(registry: PluginRegistry) -> tuple[Declared, ...]:
    """Every plugin's declarations, in start order (collected on first use)."""
    key = id(registry)
    if key not in _SEEN:
        _SEEN[key] = _collect(registry)
    return _SEEN[key]
