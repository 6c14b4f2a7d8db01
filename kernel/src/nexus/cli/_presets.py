"""``nexus presets list|show|diff|validate``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import rich_click as click
from rich.console import Console
from rich.table import Table

from nexus.cli._common import echo_json, friendly_errors, load_settings
from nexus.plugins import load_plugins
from nexus.presets import diff, load_presets, load_presets_from, validate

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nexus.presets import PresetCatalog, PresetDiff, ResolvedPreset

__all__ = ("presets",)

_paths = click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Read presets from this file or directory instead of the installed packs (repeatable).",
)
_json = click.option("--json", "as_json", is_flag=True, help="Print JSON.")


def _catalog(paths: Sequence[Path], *, strict: bool = True) -> PresetCatalog:
    return load_presets_from(paths, strict=strict) if paths else load_presets(strict=strict)


@click.group()
def presets() -> None:
    """Industry presets: list, inspect, compare and validate them."""


@presets.command("list")
@_paths
@_json
@friendly_errors
def list_presets(paths: tuple[Path, ...], as_json: bool) -> None:
    """List every preset: title, industry, what it extends and the plugins it switches on."""
    catalog = _catalog(paths)
    registry = load_plugins(load_settings())
    rows: list[dict[str, Any]] = []
    for name in catalog.names():
        resolved = catalog.resolve(name, registry=registry)
        rows.append(
            {
                "name": name,
                "title": resolved.title,
                "industry": resolved.industry,
                "extends": catalog.get(name).extends,
                "plugins": sorted(resolved.plugins),
            }
        )
    if as_json:
        echo_json(rows)
        return
    table = Table("name", "title", "industry", "extends", "plugins")
    for row in rows:
        plugins = ", ".join(row["plugins"])
        table.add_row(row["name"], row["title"], row["industry"], row["extends"] or "", plugins)
    Console().print(table)


@presets.command("show")
@click.argument("name")
@_paths
@_json
@friendly_errors
def show(name: str, paths: tuple[Path, ...], as_json: bool) -> None:
    """Show preset NAME resolved: extends applied, plugins closed under their requirements."""
    resolved = _catalog(paths).resolve(name, registry=load_plugins(load_settings()))
    if as_json:
        echo_json(resolved.to_dict())
        return
    for line in _describe(resolved):
        click.echo(line)


@presets.command("diff")
@click.argument("a")
@click.argument("b")
@_paths
@_json
@friendly_errors
def diff_command(a: str, b: str, paths: tuple[Path, ...], as_json: bool) -> None:
    """Show what changes going from preset A to preset B."""
    catalog = _catalog(paths)
    registry = load_plugins(load_settings())
    change = diff(catalog.resolve(a, registry=registry), catalog.resolve(b, registry=registry))
    if as_json:
        echo_json(change)
        return
    for line in _diff_lines(change) or [f"no differences between {a} and {b}"]:
        click.echo(line)


@presets.command("validate")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@_json
@friendly_errors
def validate_command(paths: tuple[Path, ...], as_json: bool) -> None:
    """Check presets against the installed plugins: one line per problem, exit 1 on errors.

    PATHS are preset files or directories; by default, every installed preset pack.
    """
    catalog = _catalog(paths, strict=False)
    problems = validate(catalog, load_plugins(load_settings()))
    errors = sum(1 for problem in problems if problem.level == "error")
    if as_json:
        echo_json({"ok": not errors, "presets": len(catalog), "problems": problems})
    else:
        for problem in problems:
            click.echo(str(problem), err=True)
        if not errors:
            warnings = f", {len(problems)} warning(s)" if problems else ""
            noun = "preset" if len(catalog) == 1 else "presets"
            click.echo(f"ok: {len(catalog)} {noun} valid{warnings}")
    if errors:
        raise SystemExit(1)


def _describe(preset: ResolvedPreset) -> list[str]:
    lines = [f"{preset.name}: {preset.title}"]
    if preset.description:
        lines.append(preset.description)
    lines.append(f"industry: {preset.industry}")
    lines.append(f"chain: {' → '.join(preset.chain)}")
    lines.append(f"plugins: {', '.join(sorted(preset.plugins)) or '(none)'}")
    lines.append("features:" + ("" if preset.features else " (none)"))
    lines.extend(f"  {key} = {_value(on)}" for key, on in sorted(preset.features.items()))
    lines.append("settings:" + ("" if preset.settings else " (none)"))
    for plugin, values in sorted(preset.settings.items()):
        lines.extend(f"  {plugin}.{key} = {_value(v)}" for key, v in sorted(values.items()))
    seeded = [f"{plugin} ({len(data)} key(s))" for plugin, data in sorted(preset.seed.items())]
    lines.append(f"seed: {', '.join(seeded) or '(none)'}")
    return lines


def _diff_lines(change: PresetDiff) -> list[str]:
    lines = []
    if change.plugins_added:
        lines.append(f"plugins added: {', '.join(change.plugins_added)}")
    if change.plugins_removed:
        lines.append(f"plugins removed: {', '.join(change.plugins_removed)}")
    lines.extend(
        f"feature {f.key}: {_value(f.before)} → {_value(f.after)}" for f in change.features
    )
    lines.extend(
        f"setting {s.plugin}.{s.key}: {_value(s.before)} → {_value(s.after)}"
        for s in change.settings
    )
    if change.seed:
        lines.append(f"seed differs: {', '.join(change.seed)}")
    return lines


def _value(value: Any) -> str:
    """Show a preset value as JSON; ``None`` (TOML has no null) means not set."""
    return "(not set)" if value is None else msgspec.json.encode(value).decode()
