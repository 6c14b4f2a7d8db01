"""``nexus provision``: business profiles in, tenants out, with the steps shown as they run."""

from __future__ import annotations

import asyncio
import statistics
import sys
import time
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
import rich_click as click
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.db import PostgresDatabase, configure_piccolo, resolve_database_url
from nexus.features import FeatureCatalog
from nexus.plugins import load_plugins, piccolo_app_paths
from nexus.presets import load_presets
from nexus.provisioning import (
    STEPS,
    Outcome,
    ProfileError,
    Provisioner,
    ProvisioningFailed,
    RunInProgress,
    SlugTaken,
    StepStatus,
    decode_profile,
    make_plan,
)
from nexus.schema import migrator

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus.plugins import PluginRegistry
    from nexus.provisioning import BusinessProfile
    from nexus.settings import Settings

__all__ = ("open_provisioner", "print_outcome", "provision_command")

_MARKS = {
    StepStatus.RUNNING: "[yellow]…[/]",
    StepStatus.SUCCEEDED: "[green]✓[/]",
    StepStatus.FAILED: "[red]✗[/]",
}


@asynccontextmanager
async def open_provisioner(
    settings: Settings, *, registry: PluginRegistry | None = None, connections: int = 4
) -> AsyncIterator[Provisioner]:
    """A provisioner on the configured database (migrating the embedded default first).

    Exits with a one-line error when the database has no Nexus tables yet.
    """
    registry = registry or load_plugins(settings)
    embedded = not settings.database_url
    url = resolve_database_url(settings)
    if embedded:
        from nexus.cli._serve import _migrate  # noqa: PLC0415 - only for the embedded default

        await asyncio.to_thread(_migrate, settings, url)
    database = PostgresDatabase(
        url,
        role=settings.db_api_role,
        statement_timeout_ms=settings.statement_timeout_ms,
        pool_min=1,
        pool_max=connections,
        placed=True,
    )
    try:
        await database.start()
    except asyncpg.InvalidParameterValueError:
        fail("the database has no Nexus roles yet: run `nexus migrate` first")
    try:
        async with database.transaction() as conn:
            if await conn.fetchval("select to_regclass('nexus_provisioning_run')") is None:
                fail("the database has no provisioning tables yet: run `nexus migrate` first")
        configure_piccolo(database.engine, piccolo_app_paths(registry))
        yield Provisioner(
            database=database,
            registry=registry,
            presets=load_presets(strict=False),
            migrate_database=migrator(settings, registry),
        )
    finally:
        await database.stop()


def _read_profile(path: Path) -> BusinessProfile:
    try:
        return decode_profile(path.read_bytes())
    except ProfileError as exc:
        _profile_errors(path, exc)
        raise  # unreachable: exits


def _profile_errors(path: Path | str, exc: ProfileError) -> None:
    for error in exc.errors:
        click.echo(f"error: {path}: {error.field}: {error.message}", err=True)
    sys.exit(2)


@click.command("provision")
@click.argument(
    "profile", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option(
    "--many",
    type=click.Path(exists=True, path_type=Path),
    help="A directory of *.json profiles, or an NDJSON file (one profile per line).",
)
@click.option("--concurrency", type=click.IntRange(1, 64), default=4, show_default=True)
@click.option("--dry-run", is_flag=True, help="Print the plan; change nothing.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def provision_command(
    profile: Path | None, many: Path | None, concurrency: int, dry_run: bool, as_json: bool
) -> None:
    """Provision a tenant from a JSON business profile (the same command resumes it).

    Shows the seven steps as they run, then the tenant id, the admin's login and an admin
    API key, each shown once. With --many, provisions every profile of a directory or NDJSON
    file, --concurrency at a time.
    """
    if (profile is None) == (many is None):
        fail("give one PROFILE file, or --many DIR_OR_NDJSON", code=2)
    settings = load_settings()
    if many is not None:
        _provision_many(settings, many, concurrency=concurrency, as_json=as_json)
        return
    assert profile is not None
    parsed = _read_profile(profile)
    if dry_run:
        _dry_run(settings, parsed, as_json=as_json)
        return
    console = Console(stderr=True)
    outcome = asyncio.run(_provision_one(settings, parsed, console=console))
    if as_json:
        echo_json(_outcome_json(outcome))
    else:
        print_outcome(outcome)


def _dry_run(settings: Settings, profile: BusinessProfile, *, as_json: bool) -> None:
    registry = load_plugins(settings)
    try:
        plan, _ = make_plan(
            profile,
            presets=load_presets(strict=False),
            registry=registry,
            catalog=FeatureCatalog.from_registry(registry),
        )
    except ProfileError as exc:
        _profile_errors(profile.slug, exc)
    if as_json:
        echo_json({"slug": profile.slug, "dry_run": True, "plan": plan})
        return
    click.echo(f"plan for '{profile.slug}' (dry run: nothing changed)")
    click.echo(f"  preset:   {plan.preset}")
    click.echo(f"  plugins:  {', '.join(plan.plugins) or '(none)'}")
    click.echo(f"  features: {', '.join(plan.features) or '(none)'}")
    for plugin, values in plan.settings.items():
        click.echo(f"  settings.{plugin}: {msgspec.json.encode(values).decode()}")
    for step in STEPS:
        click.echo(f"  step {step.name}: {step.title}")


async def _provision_one(
    settings: Settings, profile: BusinessProfile, *, console: Console
) -> Outcome:
    async with open_provisioner(settings) as provisioner:
        spinner = console.status("")

        def show(position: int, name: str, status: StepStatus) -> None:
            line = f"{position}/{len(STEPS)} {name}: {STEPS[position - 1].title}"
            if status is StepStatus.RUNNING:
                spinner.update(line)
                spinner.start()
                return
            spinner.stop()
            console.print(f" {_MARKS[status]} {line}")

        try:
            return await provisioner.provision(profile, on_step=show)
        except ProfileError as exc:
            _profile_errors(profile.slug, exc)
        except (SlugTaken, RunInProgress) as exc:
            fail(str(exc))
        except ProvisioningFailed as exc:
            fail(f"{exc}; run the same command again to resume from this step")
        raise AssertionError("unreachable")  # every branch above exits


def _outcome_json(outcome: Outcome) -> dict[str, Any]:
    return {
        "run_id": str(outcome.run_id),
        "tenant_id": str(outcome.tenant_id),
        "slug": outcome.slug,
        "resumed": outcome.resumed,
        "plan": msgspec.to_builtins(outcome.plan),
        "admin": msgspec.to_builtins(outcome.admin),
    }


def print_outcome(outcome: Outcome) -> None:
    """Print a provisioned tenant: its id, the admin login and key (shown this once)."""
    admin = outcome.admin
    click.echo(f"tenant {outcome.slug} ({outcome.tenant_id}) is active")
    click.echo(f"admin login:   {admin.email}  password: {admin.password}")
    click.echo(f"admin API key: {admin.api_key}")
    click.echo("The password and the key are shown once: store them now.", err=True)


def _load_many(source: Path) -> list[tuple[str, bytes]]:
    if source.is_dir():
        return [(str(path), path.read_bytes()) for path in sorted(source.glob("*.json"))]
    lines = source.read_bytes().splitlines()
    return [(f"{source}:{n}", line) for n, line in enumerate(lines, start=1) if line.strip()]


def _provision_many(settings: Settings, source: Path, *, concurrency: int, as_json: bool) -> None:
    items = _load_many(source)
    results = asyncio.run(_run_many(settings, items, concurrency=concurrency))
    failed = [r for r in results if r["status"] != "active"]
    if as_json:
        echo_json({"results": results, "failed": len(failed)})
    else:
        table = Table("slug", "tenant id", "admin API key (shown once)")
        for result in results:
            if result["status"] == "active":
                table.add_row(result["slug"], result["tenant_id"], result["admin"]["api_key"])
        Console().print(table)
        for result in failed:
            click.echo(f"failed: {result['source']}: {result['error']}", err=True)
        durations = [r["seconds"] for r in results if r["status"] == "active"]
        median = f", median {statistics.median(durations) * 1000:.0f} ms" if durations else ""
        click.echo(
            f"{len(results) - len(failed)} provisioned, {len(failed)} failed{median}", err=True
        )
    if failed:
        sys.exit(1)


async def _run_many(
    settings: Settings, items: list[tuple[str, bytes]], *, concurrency: int
) -> list[dict[str, Any]]:
    limit = asyncio.Semaphore(concurrency)
    progress = Progress(
        TextColumn("provisioning"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=Console(stderr=True),
    )
    async with open_provisioner(settings, connections=concurrency * 2 + 1) as provisioner:

        async def one(source: str, raw: bytes) -> dict[str, Any]:
            async with limit:
                result: dict[str, Any] = {"source": source, "slug": None, "status": "failed"}
                started = time.perf_counter()
                try:
                    profile = decode_profile(raw)
                    result["slug"] = profile.slug
                    outcome = await provisioner.provision(profile)
                except ProfileError as exc:
                    result["error"] = str(exc)
                except (SlugTaken, RunInProgress, ProvisioningFailed) as exc:
                    result["error"] = str(exc)
                else:
                    result.update(_outcome_json(outcome), status="active")
                result["seconds"] = time.perf_counter() - started
                progress.advance(task)
                return result

        with progress:
            task = progress.add_task("provisioning", total=len(items))
            return list(await asyncio.gather(*(one(source, raw) for source, raw in items)))
