"""The plans catalog: plan files from the installed plan packs (or given paths), checked."""

from __future__ import annotations

import tomllib
from importlib import resources
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
from limits import parse

from nexus.plans._schema import Plan, PlanError

if TYPE_CHECKING:
    import os
    from collections.abc import Iterable, Iterator
    from importlib.resources.abc import Traversable

    from nexus.plugins import PluginRegistry

__all__ = ("ENTRY_POINT_GROUP", "DEFAULT_PLAN", "PlanCatalog", "load_plans", "load_plans_from")

ENTRY_POINT_GROUP = "nexus.plans"
"""The entry point group plan packs register in; each names a package of ``*.toml``."""

DEFAULT_PLAN = "standard"
"""The plan of a tenant whose business profile names none (the tenants table's default)."""


class PlanCatalog:
    """Every plan, by name.

    Example::

        catalog = load_plans()
        catalog.get("starter").limits.users  # 3
    """

    def __init__(self, plans: Iterable[Plan]) -> None:
        self._plans = {plan.name: plan for plan in sorted(plans, key=lambda p: p.name)}

    def __iter__(self) -> Iterator[Plan]:
        """The plans, by name."""
        return iter(self._plans.values())

    def __len__(self) -> int:
        return len(self._plans)

    def get(self, name: str) -> Plan | None:
        """The plan called ``name``, or ``None``."""
        return self._plans.get(name)

    def names(self) -> list[str]:
        """Every plan's name, sorted."""
        return list(self._plans)

    def problems(self, registry: PluginRegistry) -> list[str]:
        """What is wrong with the catalog against the installed plugins ([] when nothing).

        A plan must allow only plugins that are installed, and name the plugins those
        require too.
        """
        found: list[str] = []
        if DEFAULT_PLAN not in self._plans:
            found.append(f"no plan '{DEFAULT_PLAN}': tenants without a plan have it")
        for plan in self._plans.values():
            found.extend(_plan_problems(plan, registry))
        return found


def _plan_problems(plan: Plan, registry: PluginRegistry) -> list[str]:
    found: list[str] = []
    allowed = plan.limits.plugins or []
    for plugin in allowed:
        record = registry.get(plugin)
        if record is None or record.manifest is None:
            found.append(f"plan '{plan.name}': plugin '{plugin}' is not installed")
            continue
        for required in record.manifest.requires:
            if required not in allowed:
                found.append(
                    f"plan '{plan.name}': plugin '{plugin}' requires '{required}', "
                    "which the plan does not allow"
                )
    return found


def _read(file: Traversable | Path, source: str, into: dict[str, Plan], errors: list[str]) -> None:
    try:
        plan = msgspec.convert(tomllib.loads(file.read_text("utf-8")), Plan)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, msgspec.ValidationError) as exc:
        errors.append(f"{source}: {exc}")
        return
    rate = plan.limits.api_rate
    if rate is not None:
        # Checked here, not per request: the rate limiter parses it on the request path.
        try:
            parse(rate)
        except ValueError:
            errors.append(f"{source}: api_rate '{rate}' is not like '600/minute'")
            return
    if plan.name in into:
        errors.append(f"{source}: plan '{plan.name}' is defined twice")
        return
    into[plan.name] = plan


def load_plans() -> PlanCatalog:
    """Load every installed plan pack (entry point group ``nexus.plans``).

    Raises:
        PlanError: naming every file that does not parse and every name defined twice.
    """
    plans: dict[str, Plan] = {}
    errors: list[str] = []
    for entry_point in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.value):
        try:
            files = sorted(resources.files(entry_point.module).iterdir(), key=lambda f: f.name)
        except (ImportError, OSError, TypeError) as exc:
            errors.append(f"plan pack '{entry_point.name}' ({entry_point.value}): {exc}")
            continue
        for file in files:
            if file.name.endswith(".toml") and file.is_file():
                _read(file, f"{entry_point.module}/{file.name}", plans, errors)
    if errors:
        raise PlanError(errors)
    return PlanCatalog(plans.values())


def load_plans_from(paths: Iterable[str | os.PathLike[str]]) -> PlanCatalog:
    """Load plans from files and directories (every ``*.toml`` directly in a directory).

    Raises:
        PlanError: as :func:`load_plans`, and for a path that does not exist.
    """
    plans: dict[str, Plan] = {}
    errors: list[str] = []
    for path in map(Path, paths):
        if not path.exists():
            errors.append(f"{path}: no such file or directory")
            continue
        for file in sorted(path.glob("*.toml")) if path.is_dir() else [path]:
            _read(file, str(file), plans, errors)
    if errors:
        raise PlanError(errors)
    return PlanCatalog(plans.values())
