"""``startup``: ``nexus serve`` with every installed plugin, from spawn to the first 200."""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
from nexus import Settings, load_plugins

from bench._http import BenchmarkBroken
from bench._results import Goal, row
from bench._servers import HOST, free_port, serve
from bench.benchmarks._apps import kernel_env
from bench.benchmarks._database import migrated_database
from bench.benchmarks._generated import generate_plugins, use_plugins

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

TIME_GOAL = Goal("<", 2.0, "s")
RSS_GOAL = Goal("<", 250, "MB")
PLUGINS = 20
"""Plugins the second set of starts has: the shipped ones, then generated ones."""
_WARM_REQUESTS = 20


def _start_once(
    database_url: str, workers: int, site: Path | None = None
) -> tuple[float, list[float]]:
    """Start ``nexus serve``; return seconds to the first 200 and each worker's RSS in MB."""
    port = free_port()
    argv = [sys.executable, "-m", "nexus", "serve", "--host", HOST, "--port", str(port)]
    argv += ["--workers", str(workers)]
    # A scratch working directory: `nexus serve` keeps multi-worker metrics under
    # ./.nexus (NEXUS_DATA_DIR cannot be set from the environment today).
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        env = kernel_env(database_url)
        if site is not None:
            env["PYTHONPATH"] = os.pathsep.join([str(site), env["PYTHONPATH"]])
        with serve(
            "nexus-serve", argv, port=port, env=env, ready_path="/healthz", cwd=Path(scratch)
        ) as server:
            with httpx.Client(timeout=10.0) as client:
                for index in range(_WARM_REQUESTS):
                    path = "/readyz" if index % 4 == 0 else "/healthz"
                    response = client.get(server.url(path))
                    if response.status_code != 200:
                        raise BenchmarkBroken(
                            f"nexus serve: GET {path} answered {response.status_code} "
                            f"{response.text[:300]!r}"
                        )
            rss = [worker.memory_info().rss / 1e6 for worker in server.workers()]
            return server.ready_after_s, rss


def _starts(ctx: Context, site: Path | None = None) -> list[tuple[float, list[float]]]:
    """Start ``nexus serve`` ``startup_runs`` times with the plugins this process sees."""
    with migrated_database(ctx.database_server, plugins=None) as db:
        return [
            _start_once(db.url, ctx.config.workers, site) for _ in range(ctx.config.startup_runs)
        ]


def _installed() -> list[str]:
    return [record.name for record in load_plugins(Settings(log_level="warning")).loaded]


def _rows(
    label: str, starts: list[tuple[float, list[float]]], installed: list[str], ctx: Context
) -> list[Row]:
    times = [seconds for seconds, _ in starts]
    rss = [max(per_worker) for _, per_worker in starts]
    runs = f"{len(starts)} start(s)"
    plugins = f"{len(installed)} installed plugin(s)"
    return [
        row(
            "startup",
            f"spawn `nexus serve` → first 200 on /healthz (median), {label}",
            statistics.median(times),
            "s",
            goal=TIME_GOAL,
            note=f"max {max(times):.3f} s over {runs}; {plugins}: {', '.join(installed)}",
            detail={"seconds": [round(t, 4) for t in times], "plugins": installed},
        ),
        row(
            "startup",
            f"RSS per worker after {_WARM_REQUESTS} requests (largest), {label}",
            max(rss),
            "MB",
            goal=RSS_GOAL,
            note=f"{ctx.config.workers} worker(s), {runs}",
            detail={"rss_mb_per_start_per_worker": [[round(v, 1) for v in w] for _, w in starts]},
        ),
    ]


def run(ctx: Context) -> list[Row]:
    """Start ``nexus serve`` with the installed plugins, then with :data:`PLUGINS` in all.

    The second set adds plugins generated from the plugin template (``_generated``) until
    there are :data:`PLUGINS`: the start-up of a kernel with many plugins, side by side
    with the plugins Nexus ships.
    """
    installed = _installed()
    rows = _rows("shipped plugins", _starts(ctx), installed, ctx)
    missing = PLUGINS - len(installed)
    if missing <= 0:
        return rows
    with tempfile.TemporaryDirectory(prefix="bench-plugins-") as scratch:
        site = generate_plugins(missing, Path(scratch))
        use_plugins(site)
        try:
            many = _installed()
            rows += _rows(f"{len(many)} plugins", _starts(ctx, site), many, ctx)
        finally:
            sys.path.remove(str(site))
    return rows
