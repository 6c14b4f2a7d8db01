"""The plugin registry: find, import, validate and order the installed plugins."""

from __future__ import annotations

import graphlib
import time
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

import pluggy
import structlog
from nexus_hookspecs import (
    ENTRY_POINT_GROUP,
    PROJECT_NAME,
    Manifest,
    Prompt,
    Resource,
    Service,
    Tool,
    specs,
)
from nexus_hookspecs import __version__ as hookspecs_version

from nexus.plugins._allowlist import Allowlist
from nexus.plugins._records import PluginRecord, PluginState
from nexus.plugins._services import collect_services
from nexus.plugins._tools import collect_tools
from nexus.plugins._validate import NAME_PATTERN, manifest_problems
from nexus.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from pluggy import HookImpl, Result

__all__ = ("DuplicatePluginError", "PluginRegistry", "load_plugins")

log = structlog.get_logger("nexus.plugins")


class DuplicatePluginError(RuntimeError):
    """Two installed distributions claim the same plugin name; start-up cannot choose."""


class PluginRegistry:
    """The loaded plugins, their records and the pluggy manager that calls their hooks.

    Build one with :func:`load_plugins`.
    """

    def __init__(self, pm: pluggy.PluginManager, records: dict[str, PluginRecord]) -> None:
        self.pm = pm
        self._records = records
        self._order: list[str] = []
        # One pluggy subset caller per (plugin, hook), made on first call. Each leaves out
        # the plugins registered when it was made: plugins are only registered before the
        # registry exists, and _resolve(), which unregisters, empties the cache.
        self._callers: dict[tuple[str, str], Any] = {}
        self._services: dict[str, Service] | None = None
        self._tools: dict[str, Tool] | None = None
        self._resolve()
        self._collect_services()
        self._collect_tools()

    @property
    def records(self) -> list[PluginRecord]:
        """Every plugin found, loaded or not, sorted by name."""
        return sorted(self._records.values(), key=lambda record: record.name)

    @property
    def loaded(self) -> list[PluginRecord]:
        """The loaded plugins in start order: each after the plugins it requires."""
        return [self._records[name] for name in self._order]

    @property
    def broken(self) -> list[PluginRecord]:
        """Plugins that failed or are blocked (excluded ones are not broken)."""
        return [
            record
            for record in self.records
            if record.state in (PluginState.FAILED, PluginState.BLOCKED)
        ]

    def permissions(self, role: str | None = None) -> frozenset[str]:
        """The permissions the loaded plugins declare, or those they grant to ``role``."""
        return frozenset(
            permission.key
            for record in self.loaded
            if record.manifest
            for permission in record.manifest.permissions
            if role is None or role in permission.roles
        )

    def services(self) -> dict[str, Service]:
        """Every service the loaded plugins offer, by name, in start order."""
        if self._services is None:
            self._services = {
                service.name: service for record in self.loaded for service in record.services
            }
        return self._services

    def tools(self) -> dict[str, Tool]:
        """Every tool the loaded plugins offer assistants, by name, in start order."""
        if self._tools is None:
            self._tools = {tool.name: tool for record in self.loaded for tool in record.tools}
        return self._tools

    def resources(self) -> dict[str, Resource]:
        """Every kind of record the loaded plugins let assistants read, by name (0.1.6)."""
        return {item.name: item for record in self.loaded for item in record.resources}

    def prompts(self) -> dict[str, Prompt]:
        """Every prompt template the loaded plugins offer, by name (0.1.6)."""
        return {item.name: item for record in self.loaded for item in record.prompts}

    def _collect_tools(self) -> None:
        refused = False
        for record in self.loaded:
            if record.manifest is None:  # pragma: no cover - loaded plugins have one
                continue
            offer, reason = collect_tools(record.name, record.manifest, self.call)
            record.tools, record.resources, record.prompts = (
                offer.tools,
                offer.resources,
                offer.prompts,
            )
            if reason is not None:
                record.fail(PluginState.FAILED, reason)
                log.warning("plugin not loaded", plugin=record.name, reason=reason)
                refused = True
        if refused:
            self._resolve()

    def _collect_services(self) -> None:
        refused = False
        for record in self.loaded:
            record.services, reason = collect_services(record.name, self.call)
            if reason is not None:
                record.fail(PluginState.FAILED, reason)
                log.warning("plugin not loaded", plugin=record.name, reason=reason)
                refused = True
        if refused:
            self._resolve()

    def get(self, name: str) -> PluginRecord | None:
        """Return the record of plugin ``name``, if it was found at all."""
        return self._records.get(name)

    def call(self, plugin: str, hook: str, **kwargs: Any) -> Any:
        """Call ``hook`` on one loaded plugin only and return what pluggy returns."""
        caller = self._callers.get((plugin, hook))
        if caller is None:
            caller = self._callers[plugin, hook] = self._subset_caller(plugin, hook)
        return caller(**kwargs)

    def _subset_caller(self, plugin: str, hook: str) -> Any:
        record = self._records[plugin]
        others = [
            other.plugin
            for other in self._records.values()
            if other.plugin is not None and other is not record
        ]
        return self.pm.subset_hook_caller(hook, remove_plugins=others)

    def implements(self, plugin: str, hook: str) -> bool:
        """Tell whether ``plugin`` has an implementation of ``hook``."""
        target = self._records[plugin].plugin
        caller = getattr(self.pm.hook, hook)
        return any(impl.plugin is target for impl in caller.get_hookimpls())

    def fail(self, name: str, reason: str) -> None:
        """Take a loaded plugin out (e.g. its routes hook raised), with its dependents."""
        self._records[name].fail(PluginState.FAILED, reason)
        self._resolve()

    def _resolve(self) -> None:
        """Block plugins whose requirements are not loaded or form a cycle; compute order."""
        while True:
            self._block_unmet_requirements()
            loaded = {n: r for n, r in self._records.items() if r.state is PluginState.LOADED}
            sorter = graphlib.TopologicalSorter(
                {name: _requires(record) for name, record in loaded.items()}
            )
            try:
                sorter.prepare()
            except graphlib.CycleError as exc:
                cycle: list[str] = exc.args[1]
                path = " → ".join(cycle)
                for name in set(cycle):
                    self._records[name].fail(PluginState.BLOCKED, f"requirement cycle: {path}")
                continue
            break
        order: list[str] = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            order.extend(ready)
            sorter.done(*ready)
        self._order = order
        self._callers.clear()
        self._services = None
        self._tools = None
        for record in self._records.values():
            unloaded = record.state is not PluginState.LOADED and record.plugin is not None
            if unloaded and self.pm.is_registered(record.plugin):
                self.pm.unregister(record.plugin)

    def _block_unmet_requirements(self) -> None:
        changed = True
        while changed:
            changed = False
            for record in self._records.values():
                if record.state is not PluginState.LOADED:
                    continue
                for required in _requires(record):
                    other = self._records.get(required)
                    if other is None:
                        reason = f"requires '{required}', which is not installed"
                    elif other.state is PluginState.LOADED:
                        continue
                    else:
                        reason = f"requires '{required}', which is {other.state.value}"
                    record.fail(PluginState.BLOCKED, reason)
                    changed = True
                    break


def _requires(record: PluginRecord) -> tuple[str, ...]:
    return record.manifest.requires if record.manifest else ()


def load_plugins(
    settings: Settings | None = None, *, plugins: Sequence[object] | None = None
) -> PluginRegistry:
    """Find, import and validate plugins, and put them in start order.

    Args:
        settings: Kernel settings (``plugins`` and ``plugin_allowlist``, ``trace_hooks``);
            read from the environment when ``None``.
        plugins: Plugin objects (usually modules) to register instead of the installed
            entry points; tests use this so nothing loads by accident.

    Returns:
        The registry. Plugins that failed are recorded there with their reason; the others
        are loaded.

    Raises:
        DuplicatePluginError: when two distributions provide the same plugin name.
        AllowlistError: when ``NEXUS_PLUGIN_ALLOWLIST`` names a missing or malformed file.
    """
    settings = settings or Settings.from_env()
    pm = pluggy.PluginManager(PROJECT_NAME)
    pm.add_hookspecs(specs)
    if settings.trace_hooks:
        _trace_hooks(pm)
    records: dict[str, PluginRecord] = {}
    if plugins is not None:
        for plugin in plugins:
            _register_object(pm, records, plugin)
    else:
        allowlist = Allowlist.read(settings.plugin_allowlist) if settings.plugin_allowlist else None
        for entry_point in _entry_points():
            record = _record_for(entry_point)
            excluded = _exclusion(record, settings, allowlist)
            if excluded:
                record.state, record.reason = PluginState.EXCLUDED, excluded
                records[record.name] = record
                continue
            started = time.perf_counter()
            try:
                plugin = entry_point.load()
            except Exception as exc:  # noqa: BLE001 - any import error must not stop start-up
                record.fail(PluginState.FAILED, f"import failed: {type(exc).__name__}: {exc}")
                records[record.name] = record
                continue
            _register(pm, records, record, plugin)
            record.timed("import", started)
    for record in records.values():
        if record.state is not PluginState.LOADED:
            log.warning("plugin not loaded", plugin=record.name, reason=record.reason)
    return PluginRegistry(pm, records)


def _exclusion(record: PluginRecord, settings: Settings, allowlist: Allowlist | None) -> str | None:
    """Say why the operator's settings keep ``record`` from loading, if they do."""
    if settings.plugins is not None and record.name not in settings.plugins:
        return "not in NEXUS_PLUGINS"
    if allowlist is not None:
        return allowlist.refusal(record.distribution, record.version)
    return None


def _entry_points() -> list[EntryPoint]:
    """Return the group's entry points, one per plugin name, each distribution once."""
    chosen: dict[str, EntryPoint] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        previous = chosen.get(entry_point.name)
        if previous is None:
            chosen[entry_point.name] = entry_point
        elif _dist_name(previous) != _dist_name(entry_point):
            raise DuplicatePluginError(
                f"plugin name '{entry_point.name}' is provided by two distributions: "
                f"{_dist_name(previous)} ({previous.value}) and "
                f"{_dist_name(entry_point)} ({entry_point.value}); uninstall one"
            )
    return [chosen[name] for name in sorted(chosen)]


def _dist_name(entry_point: EntryPoint) -> str | None:
    dist = entry_point.dist
    return dist.metadata["Name"].lower().replace("_", "-") if dist else None


def _record_for(entry_point: EntryPoint) -> PluginRecord:
    dist = entry_point.dist
    return PluginRecord(
        name=entry_point.name,
        state=PluginState.LOADED,
        distribution=dist.metadata["Name"] if dist else None,
        version=dist.version if dist else None,
        entry_point=entry_point.value,
    )


def _register_object(
    pm: pluggy.PluginManager, records: dict[str, PluginRecord], plugin: object
) -> None:
    manifest_fn = getattr(plugin, "nexus_manifest", None)
    name = None
    if callable(manifest_fn):
        try:
            name = getattr(manifest_fn(), "name", None)
        except Exception:  # noqa: BLE001 - reported by _register below
            name = None
    if not name:
        # A module's last dotted part; the manifest failure itself is reported by _register.
        name = str(getattr(plugin, "__name__", type(plugin).__name__)).rsplit(".", 1)[-1]
    if name in records:
        raise DuplicatePluginError(f"plugin name '{name}' is registered twice")
    _register(pm, records, PluginRecord(name=name, state=PluginState.LOADED), plugin)


def _register(
    pm: pluggy.PluginManager,
    records: dict[str, PluginRecord],
    record: PluginRecord,
    plugin: object,
) -> None:
    records[record.name] = record
    record.plugin = plugin
    if not NAME_PATTERN.match(record.name):
        record.fail(
            PluginState.FAILED,
            f"invalid plugin name {record.name!r}: must be lower case letters, digits and '_', "
            "starting with a letter",
        )
        return
    try:
        pm.register(plugin, name=record.name)
    except Exception as exc:  # noqa: BLE001 - pluggy validation errors of a bad plugin
        record.plugin = None
        record.fail(PluginState.FAILED, f"invalid hook implementation: {exc}")
        return
    reason = _check(pm, record, plugin)
    if reason:
        record.fail(PluginState.FAILED, reason)
        pm.unregister(plugin)


def _check(pm: pluggy.PluginManager, record: PluginRecord, plugin: object) -> str | None:
    """Validate a registered plugin's hooks and manifest; return why it fails, if it does."""
    for caller in pm.get_hookcallers(plugin) or ():
        if not caller.has_spec():
            return f"implements unknown hook {caller.name}"
    impls = [i for i in pm.hook.nexus_manifest.get_hookimpls() if i.plugin is plugin]
    if not impls:
        return "does not implement nexus_manifest"
    try:
        manifest = impls[0].function()
    except Exception as exc:  # noqa: BLE001 - a plugin's own bug
        return f"nexus_manifest raised {type(exc).__name__}: {exc}"
    problems = manifest_problems(manifest, hookspecs_version=hookspecs_version)
    if problems or not isinstance(manifest, Manifest):
        return "invalid manifest: " + "; ".join(problems)
    if manifest.name != record.name:
        return f"entry point is named '{record.name}' but the manifest says '{manifest.name}'"
    record.manifest = manifest
    record.version = manifest.version
    return None


def _trace_hooks(pm: pluggy.PluginManager) -> None:
    started: list[float] = []

    def before(hook_name: str, hook_impls: Sequence[HookImpl], kwargs: Mapping[str, Any]) -> None:
        started.append(time.perf_counter())
        plugins = [impl.plugin_name for impl in hook_impls]
        log.info("hook call", hook=hook_name, plugins=plugins, kwargs=sorted(kwargs))

    def after(
        outcome: Result[Any],
        hook_name: str,
        hook_impls: Sequence[HookImpl],
        kwargs: Mapping[str, Any],
    ) -> None:
        elapsed_ms = (time.perf_counter() - started.pop()) * 1000 if started else None
        failed = outcome.exception is not None
        log.info("hook return", hook=hook_name, ms=elapsed_ms, failed=failed)

    pm.add_hookcall_monitoring(before, after)
