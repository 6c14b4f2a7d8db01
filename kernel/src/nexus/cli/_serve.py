"""``nexus serve`` and ``nexus migrate``."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
from typing import TYPE_CHECKING

import rich_click as click
import uvicorn

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.db import MigrationError, migrate, resolve_database_url
from nexus.events import KERNEL_SOURCE, ensure_topics
from nexus.observability import configure_logging
from nexus.plugins import load_plugins

if TYPE_CHECKING:
    from nexus.settings import Settings

__all__ = ("migrate_command", "run_server", "serve")


def _migrate(settings: Settings, database_url: str) -> dict[str, list[str]]:
    registry = load_plugins(settings)
    try:
        report = asyncio.run(migrate(settings, registry, database_url=database_url))
    except MigrationError as exc:
        fail(str(exc))
    if settings.kafka_bootstrap:
        # One topic per plugin (and the kernel's): created at deploy, like the schema.
        plugins = [KERNEL_SOURCE, *(record.name for record in registry.loaded)]
        asyncio.run(ensure_topics(settings.kafka_bootstrap, plugins))
    return report.applied


@click.command("migrate")
@click.option("--json", "as_json", is_flag=True, help="Print what was applied as JSON.")
@friendly_errors
def migrate_command(as_json: bool) -> None:
    """Create the database roles and apply every pending kernel and plugin migration."""
    settings = load_settings()
    applied = _migrate(settings, resolve_database_url(settings))
    if as_json:
        echo_json({"applied": applied})
        return
    total = sum(len(ids) for ids in applied.values())
    for app, ids in applied.items():
        for migration_id in ids:
            click.echo(f"applied {app}: {migration_id}")
    click.echo(f"ok: {total} migration(s) applied, {len(applied)} app(s) up to date")


@click.command()
@click.option("--host", default=None, help="Address to bind (NEXUS_HOST, default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="Port (NEXUS_PORT, default 8000).")
@click.option("--workers", type=click.IntRange(min=1), default=None, help="Worker processes.")
@friendly_errors
def serve(host: str | None, port: int | None, workers: int | None) -> None:
    """Serve the API. With no NEXUS_DATABASE_URL, starts the embedded PostgreSQL and migrates."""
    settings = load_settings()
    settings = settings.replace(
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
    )
    configure_logging(settings)
    embedded = not settings.database_url
    database_url = resolve_database_url(settings)
    if embedded:
        # Zero configuration means zero steps: the embedded default is migrated on start.
        _migrate(settings, database_url)
    click.echo(
        f"Nexus serving on http://{settings.host}:{settings.port} "
        f"(API /api/v1, docs /schema, {settings.workers} worker(s))",
        err=True,
    )
    run_server(settings)


def run_server(settings: Settings) -> None:
    """Serve the app with uvicorn until stopped (``nexus serve`` and ``nexus up``)."""
    if settings.workers > 1:
        _prepare_multiprocess_metrics(settings)
    # uvicorn re-raises SIGTERM after its graceful shutdown; turn it into a normal exit so
    # exit handlers run and the embedded PostgreSQL stops with us.
    signal.signal(signal.SIGTERM, _exit_quietly)
    uvicorn.run(
        "nexus.app:create_app",
        factory=True,
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=None,
        access_log=False,
        server_header=False,
    )


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _prepare_multiprocess_metrics(settings: Settings) -> None:
    """Give the workers one shared, empty prometheus-client multiprocess directory."""
    directory = settings.data_dir.expanduser().resolve() / "metrics"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
