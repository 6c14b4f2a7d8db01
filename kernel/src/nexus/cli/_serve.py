"""``nexus serve`` and ``nexus migrate``."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import threading
from typing import TYPE_CHECKING

import rich_click as click
import uvicorn

from nexus.cli._common import echo_json, fail, friendly_errors, load_settings
from nexus.cli._db import adopted_line, embedded_before_start
from nexus.db import MigrationError, resolve_database_url
from nexus.events import KERNEL_SOURCE
from nexus.observability import configure_logging
from nexus.plugins import load_plugins
from nexus.schema import migrate, migrate_placed

if TYPE_CHECKING:
    from nexus.settings import Settings

__all__ = ("migrate_command", "run_server", "serve")


def _migrate(settings: Settings, database_url: str) -> dict[str, list[str]]:
    registry = load_plugins(settings)
    try:
        report = asyncio.run(migrate(settings, registry, database_url=database_url))
        # Dedicated tenants' databases follow the home one's schema.
        asyncio.run(migrate_placed(settings, registry, database_url=database_url))
    except MigrationError as exc:
        fail(str(exc))
    if settings.kafka_bootstrap:
        # One topic per plugin (and the kernel's): created at deploy, like the schema.
        from nexus.events import ensure_topics  # noqa: PLC0415 - aiokafka only with Kafka

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
@click.option(
    "--with-worker",
    is_flag=True,
    help="Also run the event relay and consumers, in one process whatever --workers says, "
    "as `nexus up` does (or NEXUS_EVENT_WORKER=true). Production runs `nexus worker` instead.",
)
@friendly_errors
def serve(host: str | None, port: int | None, workers: int | None, with_worker: bool) -> None:
    """Serve the API. With no NEXUS_DATABASE_URL, starts the embedded PostgreSQL and migrates."""
    settings = load_settings()
    with_worker = with_worker or settings.event_worker
    settings = settings.replace(
        host=host or settings.host,
        port=port or settings.port,
        workers=workers or settings.workers,
    )
    configure_logging(settings)
    embedded = not settings.database_url
    before = embedded_before_start(settings)
    database_url = resolve_database_url(settings)
    if adopted := adopted_line(before):
        click.echo(adopted, err=True)
    settings = settings.replace(database_url=database_url)
    if embedded:
        # Zero configuration means zero steps: the embedded default is migrated on start.
        _migrate(settings, database_url)
    events = "with the event worker" if with_worker else "events: run `nexus worker`"
    click.echo(
        f"Nexus serving on http://{settings.host}:{settings.port} "
        f"(API /api/v1, docs /schema, {settings.workers} worker(s), {events})",
        err=True,
    )
    run_server(settings, with_worker=with_worker)


def run_server(settings: Settings, *, with_worker: bool = False) -> None:
    """Serve the app with uvicorn until stopped (``nexus serve`` and ``nexus up``).

    With ``with_worker``, the event relay and consumers run in exactly one process: the
    app's own when there is one worker process; with several, this supervising process.
    """
    in_app = with_worker and settings.workers == 1
    # The app reads its settings from the environment (in every worker process).
    os.environ["NEXUS_EVENT_WORKER"] = "true" if in_app else "false"
    if settings.workers > 1:
        _prepare_multiprocess_metrics(settings)
    # uvicorn re-raises SIGTERM after its graceful shutdown; turn it into a normal exit so
    # exit handlers run and the embedded PostgreSQL stops with us.
    signal.signal(signal.SIGTERM, _exit_quietly)
    with _EventThread(settings) if with_worker and not in_app else contextlib.nullcontext():
        uvicorn.run(
            "nexus.app:create_app",
            factory=True,
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_config=None,
            access_log=False,
            server_header=False,
            # A worker process imports every plugin and connects before it answers uvicorn's
            # health check; on a loaded 2-core host that takes longer than the 5 s default,
            # and uvicorn would kill and restart healthy workers over and over.
            timeout_worker_healthcheck=30,
        )


class _EventThread:
    """The event worker on a thread of the process supervising uvicorn's worker processes.

    That process serves no requests, so the worker may have Piccolo's engine to itself.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._started = threading.Event()
        self._error: BaseException | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(target=self._run, name="nexus-events", daemon=True)

    def _run(self) -> None:
        asyncio.run(self._main())

    async def _main(self) -> None:
        from nexus.compose import EventRuntime  # noqa: PLC0415 - only where it runs

        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        settings = self.settings
        runtime = EventRuntime(
            settings, load_plugins(settings), database_url=resolve_database_url(settings)
        )
        try:
            await runtime.start()
        except BaseException as exc:
            self._error = exc  # raised by __enter__; the process is on its way out
            self._started.set()
            return
        self._started.set()
        try:
            await self._stop.wait()
        finally:
            await runtime.stop()

    def __enter__(self) -> _EventThread:
        self._thread.start()
        self._started.wait()
        if self._error is not None:
            raise self._error
        return self

    def __exit__(self, *exc: object) -> None:
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(timeout=30)


def _exit_quietly(signum: int, frame: object) -> None:
    raise SystemExit(0)


def _prepare_multiprocess_metrics(settings: Settings) -> None:
    """Give the workers one shared, empty prometheus-client multiprocess directory."""
    directory = settings.data_dir.expanduser().resolve() / "metrics"
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(directory)
