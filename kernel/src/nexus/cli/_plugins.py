"""``nexus plugins list|doctor``."""

from __future__ import annotations

import asyncio

import rich_click as click
from litestar.config.app import AppConfig
from rich.console import Console
from rich.table import Table

from nexus.cli._common import echo_json, friendly_errors, load_settings
from nexus.db import resolve_database_url
from nexus.plugins import (
    NexusBridge,
    PluginRegistry,
    PluginState,
    diagnose,
    hook_docs,
    load_plugins,
    migration_findings,
    render_reference,
)

__all__ = ("plugins",)


@click.group()
def plugins() -> None:
    """Inspect installed plugins."""


@plugins.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
@click.option(
    "--timings",
    is_flag=True,
    help="Also import each plugin and mount its routes, and show how long each took (ms).",
)
@friendly_errors
def list_plugins(as_json: bool, timings: bool) -> None:
    """List every installed plugin: version, distribution, state and why it is not loaded.

    With --timings, each plugin's import and route mounting time in this process; the
    first plugin imported also pays for the libraries the others share.
    """
    registry = load_plugins(load_settings())
    if timings:
        # What the app does with the routes at start-up, without serving them.
        NexusBridge(registry).on_app_init(AppConfig())
    rows = [
        record.to_dict() | ({"timings_ms": record.timings_ms} if timings else {})
        for record in registry.records
    ]
    if as_json:
        echo_json(rows)
        return
    columns = ["name", "version", "distribution", "state", "reason"]
    if timings:
        columns += ["import ms", "routes ms"]
    table = Table(*columns)
    for row, record in zip(rows, registry.records, strict=True):
        cells = [
            str(row["name"]),
            str(row["version"] or ""),
            str(row["distribution"] or ""),
            str(row["state"]),
            str(row["reason"] or ""),
        ]
        if timings:
            cells += [_ms(record.timings_ms.get("import")), _ms(record.timings_ms.get("routes"))]
        table.add_row(*cells)
    Console().print(table)
    if timings:
        total = sum(sum(record.timings_ms.values()) for record in registry.records)
        click.echo(f"{len(rows)} plugin(s): {total:.0f} ms importing and mounting routes")


def _ms(value: float | None) -> str:
    return "" if value is None else f"{value:.1f}"


@plugins.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print JSON findings.")
@click.option(
    "--migrations/--no-migrations",
    default=None,
    help="Check for migrations not applied (default: when NEXUS_DATABASE_URL is set).",
)
@friendly_errors
def doctor(as_json: bool, migrations: bool | None) -> None:
    """Check every installed plugin; exit non-zero naming each problem.

    Checks: the plugin loads (imports, valid manifest, compatible nexus-hookspecs range,
    requirements met, allowed by NEXUS_PLUGINS and NEXUS_PLUGIN_ALLOWLIST); its routes stay
    under /api/v1/<name>/ and each requires a permission or is public; the permissions and
    features its routes check are declared; its settings Struct has a JSON schema and
    defaults; its migrations are applied. Warnings (routes of a plugin built for the 0.1.0
    contract running on an implied permission) are printed but do not fail the check.
    """
    settings = load_settings()
    registry = load_plugins(settings)
    findings = diagnose(registry)
    check_migrations = bool(settings.database_url) if migrations is None else migrations
    if check_migrations:
        url = resolve_database_url(settings)
        findings.extend(asyncio.run(migration_findings(registry, database_url=url)))
    errors = [finding for finding in findings if finding.level == "error"]
    if as_json:
        echo_json(
            {
                "ok": not errors,
                "loaded": [record.name for record in registry.loaded],
                "migrations_checked": check_migrations,
                "findings": [
                    {
                        "plugin": finding.plugin,
                        "check": finding.check,
                        "state": _state(registry, finding.plugin),
                        "problem": finding.problem,
                        "level": finding.level,
                    }
                    for finding in findings
                ],
            }
        )
    else:
        for finding in findings:
            click.echo(finding.line(), err=True)
        if not errors:
            loaded = sum(1 for r in registry.records if r.state is PluginState.LOADED)
            unchecked = "" if check_migrations else " (migrations not checked)"
            click.echo(f"ok: {loaded} plugin(s) loaded, none broken{unchecked}")
    if errors:
        raise SystemExit(1)


def _state(registry: PluginRegistry, name: str) -> str | None:
    record = registry.get(name)
    return record.state.value if record else None


@plugins.command("hooks-reference")
@click.option("--json", "as_json", is_flag=True, help="Print each hook as JSON instead.")
@friendly_errors
def hooks_reference(as_json: bool) -> None:
    """Print the hooks reference (Markdown), generated from the hook specifications.

    docs/plugins/hooks.md is the same page (scripts/gen_docs.py writes it, its code blocks
    formatted by ruff).
    """
    if as_json:
        echo_json(hook_docs())
        return
    click.echo(render_reference(), nl=False)
