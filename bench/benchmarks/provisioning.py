"""``provisioning``: a shared-placement tenant with a 6-plugin preset, and the last of many."""

from __future__ import annotations

import asyncio
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
from nexus import Settings, load_plugins
from nexus.db import PostgresDatabase
from nexus.presets import load_presets_from
from nexus.provisioning import Provisioner, decode_profile

from bench._context import say
from bench._http import BenchmarkBroken
from bench._results import Goal, row
from bench.apps.provisioning import PLUGINS, PRESET_TOML, SEED_TABLE_SQL
from bench.benchmarks._database import migrated_database

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

P50_GOAL = Goal("<", 500, "ms")
RATIO_GOAL = Goal("<=", 1.2)


def _profile(n: int) -> bytes:
    return (
        b'{"name": "Bench %d", "slug": "bench-%d", "preset": "bench-six", "country": "DE", '
        b'"currency": "EUR", "timezone": "Europe/Berlin", "locale": "de-DE", '
        b'"admin": {"email": "admin@bench-%d.example", "name": "Admin"}}' % (n, n, n)
    )


async def _relations(url: str) -> int:
    conn = await asyncpg.connect(url)
    try:
        return int(await conn.fetchval("select count(*) from pg_class"))
    finally:
        await conn.close()


async def _seed_table(url: str, settings: Settings) -> None:
    """Make the table the sample plugins seed, as the owner (as a plugin migration would)."""
    owner = await asyncpg.connect(url)
    try:
        await owner.execute(f'set role "{settings.db_owner_role}"; {SEED_TABLE_SQL}')
        await owner.execute(
            f'grant select, insert, update, delete on bench_seed to "{settings.db_api_role}"'
        )
    finally:
        await owner.close()


async def _series(url: str, presets_dir: Path, count: int) -> list[float]:
    """Provision ``count`` tenants in a row; return each one's seconds."""
    settings = Settings(database_url=url, log_level="warning")
    database = PostgresDatabase(url, role=settings.db_api_role, pool_max=4)
    await database.start()
    try:
        provisioner = Provisioner(
            database=database,
            registry=load_plugins(settings, plugins=PLUGINS),
            presets=load_presets_from([presets_dir]),
        )
        seconds = []
        began = time.perf_counter()
        for n in range(count):
            profile = decode_profile(_profile(n))
            started = time.perf_counter()
            outcome = await provisioner.provision(profile)
            seconds.append(time.perf_counter() - started)
            if n == 0 and len(outcome.plan.plugins) != len(PLUGINS):
                raise BenchmarkBroken(f"provisioning: planned {outcome.plan.plugins}")
            if n and n % max(count // 10, 100) == 0:
                per_tenant = (time.perf_counter() - began) / n
                say(
                    f"provisioning: {n} of {count} tenants, "
                    f"about {per_tenant * (count - n) / 60:.1f} min left"
                )
        return seconds
    finally:
        await database.stop()


def run(ctx: Context) -> list[Row]:
    """Provision tenants in a row; report the median and the late/early window ratio."""
    count = ctx.config.tenants
    window = max(count // 100, 30)
    with (
        tempfile.TemporaryDirectory() as presets_dir,
        migrated_database(ctx.database_server, plugins=PLUGINS) as db,
    ):
        (Path(presets_dir) / "bench-six.toml").write_text(PRESET_TOML)
        asyncio.run(_seed_table(db.url, Settings(database_url=db.url)))
        relations_before = asyncio.run(_relations(db.url))
        seconds = asyncio.run(_series(db.url, Path(presets_dir), count))
        ddl = asyncio.run(_relations(db.url)) - relations_before
    early = seconds[window : 2 * window]
    late = seconds[count - window :]
    p50_ms = statistics.median(seconds) * 1000
    ratio = statistics.median(late) / statistics.median(early)
    ms = [round(s * 1000, 2) for s in seconds]
    return [
        row(
            "provisioning",
            "shared-placement tenant, 6-plugin preset, p50",
            p50_ms,
            "ms",
            goal=P50_GOAL,
            note=f"{count} tenants in a row on one connection pool; p90 "
            f"{statistics.quantiles(ms, n=10)[-1]:.1f} ms; relations created during the run: {ddl}",
            detail={"ms": ms if count <= 1000 else ms[:: count // 1000]},
        ),
        row(
            "provisioning",
            f"tenants {count - window}–{count} vs {window}–{2 * window}, median ratio",
            ratio,
            "×",
            goal=RATIO_GOAL,
            note=f"medians {statistics.median(late) * 1000:.1f} ms vs "
            f"{statistics.median(early) * 1000:.1f} ms",
        ),
    ]
