"""What the registry knows about each plugin it found."""

from __future__ import annotations

import enum
import time

import msgspec
from nexus_hookspecs import Manifest, Prompt, Resource, Service, Tool

__all__ = ("PluginRecord", "PluginState")


class PluginState(enum.StrEnum):
    """Where a plugin stands after loading."""

    LOADED = "loaded"
    """Imported, validated and placed in the start order."""
    FAILED = "failed"
    """Raised on import, or its manifest or hooks are invalid."""
    BLOCKED = "blocked"
    """Fine itself, but a requirement is missing, failed, blocked or part of a cycle."""
    EXCLUDED = "excluded"
    """Installed but left out by the ``NEXUS_PLUGINS`` allowlist."""


class PluginRecord(msgspec.Struct, kw_only=True):
    """One plugin as the registry found it.

    Attributes:
        name: The plugin name (the entry point name, which must equal the manifest name).
        state: Whether it loaded, and if not, which kind of failure.
        reason: Why it is not loaded, in one sentence.
        distribution: The distribution that provides it, if installed from one.
        version: The manifest's (or the distribution's) version.
        entry_point: ``module:attr`` of the entry point, if any.
        manifest: The validated manifest, when it got that far.
        plugin: The plugin object registered with pluggy.
        services: The services it offers other plugins (``nexus_services``).
        tools: The tools it offers the tenant's assistants (``nexus_ai_tools``).
        resources: The kinds of records assistants read by URI (``nexus_ai_tools``, 0.1.6).
        prompts: The prompt templates it offers (``nexus_ai_tools``, 0.1.6).
        timings_ms: How long its steps took in this process, in milliseconds: ``import``
            (its entry point, with whatever it imports first), ``routes``
            (``nexus_routes`` and the route checks), ``startup`` and ``background``.
    """

    name: str
    state: PluginState
    reason: str | None = None
    distribution: str | None = None
    version: str | None = None
    entry_point: str | None = None
    manifest: Manifest | None = None
    plugin: object | None = None
    services: tuple[Service, ...] = ()
    tools: tuple[Tool, ...] = ()
    resources: tuple[Resource, ...] = ()
    prompts: tuple[Prompt, ...] = ()
    timings_ms: dict[str, float] = msgspec.field(default_factory=dict)

    def timed(self, step: str, started: float) -> None:
        """Record that ``step`` ran from ``started`` (``time.perf_counter()``) until now."""
        self.timings_ms[step] = round((time.perf_counter() - started) * 1000, 2)

    def fail(self, state: PluginState, reason: str) -> None:
        """Mark the plugin as not loaded, keeping the first reason given."""
        if self.state is PluginState.LOADED:
            self.state = state
            self.reason = reason

    def to_dict(self) -> dict[str, object]:
        """Return the public view used by ``nexus plugins list --json`` and ``/readyz``."""
        return {
            "name": self.name,
            "version": self.version,
            "distribution": self.distribution,
            "state": self.state.value,
            "reason": self.reason,
            "requires": list(self.manifest.requires) if self.manifest else [],
        }
