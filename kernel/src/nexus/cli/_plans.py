"""``nexus plans list|validate`` and ``nexus usage export|close``."""

from __future__ import annotations

import asyncio
import csv
import io
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec
import rich_click as click

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.db import PostgresDatabase, resolve_database_url
from nexus.plans import (
    PERIOD_PATTERN,
    TenantUsage,
    close_period,
    load_plans,
    load_plans_from,
    usage_report,
)
from nexus.plugins import load_plugins

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from nexus.plans import PlanCatalog

__all__ = ("plans", "usage")

_paths = click.option(
    "--path",
    "paths",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Read plans from this file or directory instead of NEXUS_PLANS_PATH or the installed "
    "packs (repeatable).",
)
_period = click.option(
    "--period", required=True, help="The calendar month in UTC, YYYY-MM (2026-12)."
)


def _catalog(paths: tuple[Path, ...]) -> PlanCatalog:
    configured = load_settings().plans_path
    if not paths and configured:
        paths = tuple(Path(p.strip()) for p in configured.split(",") if p.strip())
    return load_plans_from(paths) if paths else load_plans()


@click.group()
def plans() -> None:
    """Plans: what tenants may use, and how much (docs/plans.md)."""


@plans.command("list")
@_paths
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def list_plans(paths: tuple[Path, ...], as_json: bool) -> None:
    """List every plan with its placement and limits."""
    catalog = _catalog(paths)
    if as_json:
        echo_json(list(catalog))
        return
    for plan in catalog:
        limits = msgspec.structs.asdict(plan.limits)
        shown = ", ".join(f"{k}={v}" for k, v in limits.items() if v is not None) or "no limits"
        click.echo(f"{plan.name} ({plan.placement}): {shown}")


@plans.command("validate")
@_paths
@friendly_errors
def validate_plans(paths: tuple[Path, ...]) -> None:
    """Check the plans against the installed plugins; exit 1 naming every problem."""
    catalog = _catalog(paths)
    problems = catalog.problems(load_plugins(load_settings()))
    for problem in problems:
        click.echo(f"error: {problem}", err=True)
    if problems:
        sys.exit(1)
    click.echo(f"{len(catalog)} plans valid")


@click.group()
def usage() -> None:
    """Usage metered per tenant and calendar month, to bill (docs/plans.md)."""


def _run(work: Callable[[PostgresDatabase], Awaitable[list[TenantUsage]]]) -> list[TenantUsage]:
    settings = load_settings()

    async def run() -> list[TenantUsage]:
        database = PostgresDatabase(resolve_database_url(settings), role=settings.db_api_role)
        await database.start()
        try:
            return await work(database)
        finally:
            await database.stop()

    return asyncio.run(run())


def _check(period: str) -> None:
    import re  # noqa: PLC0415 - one use

    if not re.fullmatch(PERIOD_PATTERN, period):
        fail(f"--period must be YYYY-MM, not '{period}'", code=2)


@usage.command("export")
@_period
@click.option(
    "--format", "fmt", type=click.Choice(["csv", "json"]), default="csv", show_default=True
)
@friendly_errors
def export_usage(period: str, fmt: str) -> None:
    """Print every tenant's usage in the period, one row per tenant."""
    _check(period)
    report = _run(lambda database: usage_report(database, period))
    rows: list[dict[str, Any]] = [msgspec.to_builtins(row) for row in report]
    if fmt == "json":
        echo_json(rows)
        return
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(TenantUsage.__struct_fields__))
    writer.writeheader()
    writer.writerows(rows)
    click.echo(out.getvalue(), nl=False)


@usage.command("close")
@_period
@friendly_errors
def close_usage(period: str) -> None:
    """Close an ended period: keep each tenant's figures and publish them as an event.

    Each tenant not closed yet gets ``nexus.usage.period_closed.v1``; closing again
    publishes nothing.
    """
    _check(period)
    try:
        closed = _run(lambda database: close_period(database, period))
    except ValueError as exc:
        fail(str(exc))
        raise
    click.echo(f"{period}: closed for {len(closed)} tenants")
