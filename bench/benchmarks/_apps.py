"""Starting the apps under test, all on the same uvicorn command line."""

from __future__ import annotations

import shutil
import tempfile
from contextlib import contextmanager
from typing import TYPE_CHECKING

from nexus import Settings

from bench._servers import Server, child_env, free_port, serve, uvicorn_argv

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = ("POOL_MAX", "POOL_MIN", "bare_db_env", "kernel_env", "serve_app")

_DEFAULTS = Settings()
POOL_MIN = _DEFAULTS.db_pool_min
"""The kernel's default pool sizes, given to the kernel and the asyncpg baseline alike."""
POOL_MAX = _DEFAULTS.db_pool_max
_UNLIMITED = "1000000000/minute"


@contextmanager
def serve_app(
    name: str, factory: str, *, workers: int, env: dict[str, str], ready_path: str
) -> Iterator[Server]:
    """Serve ``factory`` with uvicorn on a free loopback port until the block ends.

    With several workers a fresh ``PROMETHEUS_MULTIPROC_DIR`` is set, as ``nexus serve``
    does, so the kernel's metrics run in their production multi-process mode.
    """
    port = free_port()
    metrics_dir = tempfile.mkdtemp(prefix="bench-metrics-") if workers > 1 else None
    if metrics_dir:
        env = {**env, "PROMETHEUS_MULTIPROC_DIR": metrics_dir}
    try:
        with serve(
            name,
            uvicorn_argv(factory, port=port, workers=workers),
            port=port,
            env=env,
            ready_path=ready_path,
        ) as server:
            yield server
    finally:
        if metrics_dir:
            shutil.rmtree(metrics_dir, ignore_errors=True)


def kernel_env(database_url: str) -> dict[str, str]:
    """Return the environment of a kernel worker: the database, quiet logs, pool sizes.

    Rate limits are raised far above any load a benchmark makes: their checks still run
    on every request, but a benchmark measures throughput, not refusals.
    """
    return child_env(
        NEXUS_DATABASE_URL=database_url,
        NEXUS_LOG_LEVEL="warning",
        NEXUS_DB_POOL_MIN=str(POOL_MIN),
        NEXUS_DB_POOL_MAX=str(POOL_MAX),
        NEXUS_RATE_LIMIT_TENANT=_UNLIMITED,
        NEXUS_RATE_LIMIT_KEY=_UNLIMITED,
    )


def bare_db_env(database_url: str) -> dict[str, str]:
    """Return the environment of the asyncpg baseline: same database and pool sizes."""
    return child_env(
        BENCH_DATABASE_URL=database_url,
        BENCH_DATABASE_ROLE=_DEFAULTS.db_owner_role,
        BENCH_POOL_MIN=str(POOL_MIN),
        BENCH_POOL_MAX=str(POOL_MAX),
    )
