"""``nexus plugins list|doctor``."""

from __future__ import annotations

import rich_click as click
from rich.console import Console
from rich.table import Table

from nexus.cli._common import echo_json, friendly_errors, load_settings
from nexus.plugins import PluginState, load_plugins

__all__ = ("plugins",)


@click.group()
def plugins() -> None:
    """Inspect installed plugins."""


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@friendly_errors
def list_plugins(as_json: bool) -> None:
    """List every installed plugin: version, distribution, state and why it is not loaded."""
    registry = load_plugins(load_settings())
    rows = [record.to_dict() for record in registry.records]
    if as_json:
        echo_json(rows)
        return
    table = Table("name", "version", "distribution", "state", "reason")
    for row in rows:
        table.add_row(
            str(row["name"]),
            str(row["version"] or ""),
            str(row["distribution"] or ""),
            str(row["state"]),
            str(row["reason"] or ""),
        )
    Console().print(table)


@plugins.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print JSON findings.")
@friendly_errors
def doctor(as_json: bool) -> None:
    """Check every installed plugin; exit non-zero naming each broken one and why."""
    registry = load_plugins(load_settings())
    findings = [
        {"plugin": r.name, "state": r.state.value, "problem": r.reason} for r in registry.broken
    ]
    if as_json:
        echo_json({"ok": not findings, "findings": findings})
    elif findings:
        for finding in findings:
            click.echo(f"{finding['plugin']}: {finding['state']}: {finding['problem']}", err=True)
    else:
        loaded = sum(1 for r in registry.records if r.state is PluginState.LOADED)
        click.echo(f"ok: {loaded} plugin(s) loaded, none broken")
    if findings:
        raise SystemExit(1)
