"""``nexus worker`` and ``nexus events catalog|dead-letters|redrive|tail``."""

from __future__ import annotations

import asyncio
import contextlib
import json
import signal
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any, ClassVar
from uuid import UUID

import asyncpg
import prometheus_client
import rich_click as click
from rich.console import Console
from rich.table import Column, Table

from nexus.cli._catalog import NO_SCHEMA, event_catalog
from nexus.cli._common import echo_json, friendly_errors, load_settings
from nexus.compose import EventRuntime
from nexus.db import RELAY_ROLE, resolve_database_url
from nexus.events import (
    LOG_CHANNEL,
    dead_letters,
    decode_event,
    encode_event,
    redrive,
)
from nexus.plugins import load_plugins

if TYPE_CHECKING:
    from nexus.events import DependencyHealth
    from nexus.settings import Settings

__all__ = ("events", "worker")


def _runtime(settings: Settings, *, relay: bool = True) -> EventRuntime:
    return EventRuntime(
        settings,
        load_plugins(settings),
        database_url=resolve_database_url(settings),
        relay=relay,
    )


class _Probe(BaseHTTPRequestHandler):
    """The worker's probe port: ``/metrics``, ``/healthz`` (alive) and ``/readyz``."""

    health: ClassVar[DependencyHealth | None] = None

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/metrics":
            self._send(
                200, prometheus_client.CONTENT_TYPE_LATEST, prometheus_client.generate_latest()
            )
        elif path == "/healthz":
            self._json(200, {"status": "ok"})
        elif path == "/readyz":
            report = self.health.snapshot() if self.health else {"status": "unavailable"}
            self._json(200 if report["status"] == "ok" else 503, report)
        else:
            self._json(404, {"status": 404, "title": "Not Found"})

    def _json(self, status: int, body: object) -> None:
        self._send(status, "application/json", json.dumps(body).encode())

    def _send(self, status: int, content_type: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base's name
        """Probes are frequent: no access log."""


def _serve_probe(host: str, port: int, health: DependencyHealth) -> ThreadingHTTPServer:
    handler = type("Probe", (_Probe,), {"health": health})
    server = ThreadingHTTPServer((host, port), handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, name="nexus-probe", daemon=True).start()
    return server


@click.command()
@click.option("--no-relay", is_flag=True, help="Run the consumers only (another worker relays).")
@click.option(
    "--metrics-port",
    type=int,
    default=None,
    envvar="NEXUS_WORKER_METRICS_PORT",
    help="Serve Prometheus /metrics (event lag, dead letters, pools), /healthz and /readyz "
    "(503 naming the failing dependency, e.g. kafka) on this port.",
)
@friendly_errors
def worker(no_relay: bool, metrics_port: int | None) -> None:
    """Run the event relay and every consumer (plugins, audit, analytics) until stopped.

    A broker that is down, or refuses the producer, does not stop the worker: it retries
    with backoff, logs one line when the broker goes down and one when it is back, and
    relays the backlog then. /readyz on the metrics port says what is failing meanwhile.
    """
    settings = load_settings()

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        runtime = _runtime(settings, relay=not no_relay)
        probe = (
            _serve_probe(settings.host, metrics_port, runtime.worker.health)
            if metrics_port is not None
            else None
        )
        try:
            async with runtime:
                bus = runtime.bus.name
                names = ", ".join(c.name for c in runtime.consumers)
                click.echo(f"nexus worker: {bus} bus, consumers: {names}", err=True)
                await stop.wait()
        finally:
            if probe is not None:
                probe.shutdown()
                probe.server_close()

    asyncio.run(run())


@click.group()
def events() -> None:
    """Events: catalog, dead letters, redrive, tail."""


@events.command("catalog")
@click.option("--json", "as_json", is_flag=True, help="Print JSON, payload schemas included.")
@friendly_errors
def catalog(as_json: bool) -> None:
    """List every event type the kernel and the loaded plugins publish.

    For each: the publisher, the type, when it is emitted and its payload's JSON Schema
    (--json), as the publisher's manifest declares them. docs/plugins/events.md is the same
    for the first-party plugins.
    """
    entries = event_catalog(load_plugins(load_settings()))
    if as_json:
        echo_json(entries)
        return
    table = Table("publisher", Column("type", no_wrap=True), "when", "payload")
    for entry in entries:
        table.add_row(entry.plugin, entry.type, entry.description, entry.payload or NO_SCHEMA)
    Console().print(table)


@events.command("dead-letters")
@click.option("--consumer", default=None, help="Only this consumer's.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@friendly_errors
def list_dead_letters(consumer: str | None, as_json: bool) -> None:
    """List the events consumers gave up on (every tenant), oldest first."""
    settings = load_settings()

    async def run() -> list[Any]:
        runtime = _runtime(settings)
        await runtime.relay_db.start()
        try:
            return await dead_letters(runtime.relay_db, consumer=consumer)
        finally:
            await runtime.relay_db.stop()

    letters = asyncio.run(run())
    if as_json:
        echo_json(letters)
        return
    table = Table("failed at", "consumer", "tenant", "event", "type", "attempts", "error")
    for d in letters:
        table.add_row(
            d.failed_at.isoformat(timespec="seconds"),
            d.consumer,
            str(d.tenant_id),
            str(d.event_id),
            d.type,
            str(d.attempts),
            d.error,
        )
    Console().print(table)


@events.command("redrive")
@click.option("--consumer", default=None, help="Only this consumer's dead letters.")
@click.option("--event", "event_id", default=None, help="Only this event id.")
@friendly_errors
def redrive_command(consumer: str | None, event_id: str | None) -> None:
    """Hand dead-lettered events to their consumer again; those handled leave the list."""
    settings = load_settings()

    async def run() -> tuple[int, int]:
        runtime = _runtime(settings)
        await runtime.database.start()
        await runtime.relay_db.start()
        try:
            from nexus.db import configure_piccolo  # noqa: PLC0415
            from nexus.plugins import piccolo_app_paths  # noqa: PLC0415

            configure_piccolo(runtime.database.engine, piccolo_app_paths(runtime.registry))
            return await redrive(
                runtime.relay_db,
                runtime.delivery,
                runtime.consumers,
                consumer=consumer,
                event_id=UUID(event_id) if event_id else None,
            )
        finally:
            await runtime.relay_db.stop()
            await runtime.database.stop()

    done, failed = asyncio.run(run())
    click.echo(f"redriven: {done}, still failing: {failed}")


@events.command("tail")
@click.option("--type", "event_type", default=None, help="Only events of this type.")
@friendly_errors
def tail(event_type: str | None) -> None:
    """Print events (CloudEvents JSON, one per line) as the relay appends them.

    Reads the PostgreSQL log as the relay role; it follows the embedded bus. With Kafka,
    any Kafka consumer reads the ``nexus.<plugin>`` topics directly.
    """
    settings = load_settings()
    url = resolve_database_url(settings)

    async def run() -> None:
        conn = await asyncpg.connect(url, server_settings={"role": RELAY_ROLE})
        wake = asyncio.Event()
        await conn.add_listener(LOG_CHANNEL, lambda *_: wake.set())
        position = await conn.fetchval(
            "select coalesce(max(position), 0) from nexus_event_outbox where position is not null"
        )
        try:
            while True:
                rows = await conn.fetch(
                    "select position, envelope from nexus_event_outbox where position > $1 "
                    "and ($2::text is null or type = $2) order by position limit 500",
                    position,
                    event_type,
                )
                for row in rows:
                    click.echo(encode_event(decode_event(bytes(row["envelope"]))).decode())
                    position = row["position"]
                if not rows:
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(wake.wait(), 1.0)
                    wake.clear()
        finally:
            await conn.close()

    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(run())
