"""``toggles``: the request path's feature check, and how fast a change reaches other workers."""

from __future__ import annotations

import asyncio
import statistics
import time
import timeit
from typing import TYPE_CHECKING

import httpx
import redis
from nexus import Settings, load_plugins
from nexus.db import PostgresDatabase
from nexus.features import FeatureCatalog, Toggles

from bench._http import BenchmarkBroken
from bench._results import Goal, row
from bench.apps import plugin
from bench.benchmarks._apps import kernel_env, serve_app
from bench.benchmarks._database import migrated_database

if TYPE_CHECKING:
    from uuid import UUID

    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

CHECK_GOAL = Goal("<", 1000, "ns")
PROPAGATION_GOAL = Goal("<", 50, "ms")
_ROUTE = "/api/v1/bench/constant"
_REDIS_URL = "redis://127.0.0.1:6379/15"
_POLL_BOUND_S = 5.0


def _check_ns(url: str, tenant_id: UUID, *, quick: bool) -> float:
    """ns per check as the gate does it: the tenant's snapshot entry, then a set lookup."""

    async def load() -> Toggles:
        settings = Settings(log_level="warning")
        database = PostgresDatabase(url, role=settings.db_api_role)
        await database.start()
        try:
            catalog = FeatureCatalog.from_registry(load_plugins(settings, plugins=[plugin]))
            toggles = Toggles(database, catalog, lambda name: None)
            toggles.set_live(True)  # as when the change channel is connected
            await toggles.features(tenant_id)
            return toggles
        finally:
            await database.stop()

    toggles = asyncio.run(load())

    def check() -> bool:
        held = toggles.cached(tenant_id)
        return held is not None and "bench" in held.enabled

    if not check():
        raise BenchmarkBroken("toggles: the bench plugin is not in effect for the tenant")
    timer = timeit.Timer(check)
    number, _ = timer.autorange()
    best = min(timer.repeat(repeat=3 if quick else 7, number=number))
    return best / number * 1e9


def _propagation_ms(
    url: str, headers: dict[str, str], env: dict[str, str], flips: int
) -> list[float]:
    """Flip the plugin through one worker; time until the other worker answers accordingly."""
    factory = "bench.apps.kernel:create_app"
    latencies: list[float] = []
    with (
        serve_app("kernel-a", factory, workers=1, env=env, ready_path="/healthz") as first,
        serve_app("kernel-b", factory, workers=1, env=env, ready_path="/healthz") as second,
        httpx.Client(timeout=10.0, headers=headers) as client,
    ):
        for server in (first, second):
            if client.get(server.url(_ROUTE)).status_code != 200:
                raise BenchmarkBroken("toggles: the bench route does not answer 200")
        enabled = True
        for _ in range(flips):
            enabled = not enabled
            want = 200 if enabled else 404
            started = time.perf_counter()
            response = client.put(
                first.url("/api/v1/features/bench"), json={"enabled": enabled, "reason": "bench"}
            )
            if response.status_code != 200:
                raise BenchmarkBroken(f"toggles: PUT answered {response.status_code}")
            deadline = started + _POLL_BOUND_S
            while client.get(second.url(_ROUTE)).status_code != want:
                if time.perf_counter() > deadline:
                    raise BenchmarkBroken(f"toggles: no change seen within {_POLL_BOUND_S} s")
            latencies.append((time.perf_counter() - started) * 1000)
    return latencies


def _redis_reachable() -> bool:
    try:
        return bool(redis.Redis.from_url(_REDIS_URL, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


def run(ctx: Context) -> list[Row]:
    """Measure the check cost, then propagation over PostgreSQL and (if reachable) Redis."""
    quick = ctx.config.quick
    flips = 10 if quick else 100
    rows: list[Row] = []
    with migrated_database(ctx.database_server, plugins=[plugin]) as db:
        ns = _check_ns(db.url, db.tenant_id, quick=quick)
        rows.append(
            row("toggles", "feature check in the request path", ns, "ns/check", goal=CHECK_GOAL)
        )
        channels = {"PostgreSQL LISTEN/NOTIFY": {}}
        if _redis_reachable():
            channels["Redis pub/sub"] = {"NEXUS_REDIS_URL": _REDIS_URL}
        for name, extra in channels.items():
            env = {**kernel_env(db.url), **extra}
            latencies = sorted(_propagation_ms(db.url, db.headers, env, flips))
            p99 = latencies[max(0, int(len(latencies) * 0.99) - 1)]
            rows.append(
                row(
                    "toggles",
                    f"change visible in another worker, p99 ({name})",
                    p99,
                    "ms",
                    goal=PROPAGATION_GOAL,
                    note=f"p50 {statistics.median(latencies):.1f} ms over {flips} flips, "
                    "from the PUT on one worker to the first matching answer of the other",
                    detail={"ms": [round(v, 2) for v in latencies]},
                )
            )
    return rows
