"""``startup``: ``nexus serve`` with every installed plugin, from spawn to the first 200."""

from __future__ import annotations

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

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

TIME_GOAL = Goal("<", 2.0, "s")
RSS_GOAL = Goal("<", 200, "MB")
_WARM_REQUESTS = 20


def _start_once(database_url: str, workers: int) -> tuple[float, list[float]]:
    """Start ``nexus serve``; return seconds to the first 200 and each worker's RSS in MB."""
    port = free_port()
    argv = [sys.executable, "-m", "nexus", "serve", "--host", HOST, "--port", str(port)]
    argv += ["--workers", str(workers)]
    # A scratch working directory: `nexus serve` keeps multi-worker metrics under
    # ./.nexus (NEXUS_DATA_DIR cannot be set from the environment today).
    with tempfile.TemporaryDirectory(prefix="bench-startup-") as scratch:
        env = kernel_env(database_url)
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


def run(ctx: Context) -> list[Row]:
    """Time several starts of ``nexus serve`` and take each worker's RSS after a few requests."""
    installed = [record.name for record in load_plugins(Settings(log_level="warning")).loaded]
    plugins = f"{len(installed)} installed plugin(s)" + (
        f": {', '.join(installed)}" if installed else ""
    )
    workers = ctx.config.workers
    with migrated_database(ctx.database_server, plugins=None) as db:
        starts = [_start_once(db.url, workers) for _ in range(ctx.config.startup_runs)]
    times = [seconds for seconds, _ in starts]
    rss = [max(per_worker) for _, per_worker in starts]
    runs = f"{len(starts)} start(s)"
    return [
        row(
            "startup",
            "spawn `nexus serve` → first 200 on /healthz (median)",
            statistics.median(times),
            "s",
            goal=TIME_GOAL,
            note=f"max {max(times):.3f} s over {runs}; {plugins}",
            detail={"seconds": [round(t, 4) for t in times], "plugins": installed},
        ),
        row(
            "startup",
            f"RSS per worker after {_WARM_REQUESTS} requests (largest)",
            max(rss),
            "MB",
            goal=RSS_GOAL,
            note=f"{workers} worker(s), {runs}",
            detail={"rss_mb_per_start_per_worker": [[round(v, 1) for v in w] for _, w in starts]},
        ),
    ]
