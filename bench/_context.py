"""The run's settings and the shared, lazily made resources benchmarks draw on."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

import asyncpg
from nexus.testing import find_test_server

from bench.loadgen import choose_load_generator

if TYPE_CHECKING:
    from pathlib import Path

    from bench.loadgen import LoadGenerator
    from bench.loadgen._choose import LoadgenChoice

__all__ = ("Context", "RunConfig", "say")


def say(message: str) -> None:
    """Report progress on stderr (stdout carries the table)."""
    print(f"bench: {message}", file=sys.stderr, flush=True)


@dataclass(frozen=True, slots=True, kw_only=True)
class RunConfig:
    """How long and how hard to measure.

    Attributes:
        quick: The CI smoke run: short rounds, one of each.
        workers: Worker processes of every server under test.
        connections: Keep-alive connections the load generator holds.
        duration_s: Length of one measured round.
        rounds: Measured rounds per side, alternating between the sides of a ratio.
        warmup_s: Unmeasured load on each side before the rounds.
        startup_runs: Server starts timed by the ``startup`` benchmark.
        tenants: Tenants the ``provisioning`` benchmark provisions in a row.
        loadgen: ``auto``, ``wrk`` or ``asyncio``.
        output_dir: Where ``latest.md`` and ``latest.json`` go.
    """

    quick: bool
    workers: int
    connections: int
    duration_s: int
    rounds: int
    warmup_s: int
    startup_runs: int
    tenants: int
    loadgen: LoadgenChoice
    output_dir: Path

    @property
    def mode(self) -> str:
        """``quick`` or ``full``."""
        return "quick" if self.quick else "full"


@dataclass(kw_only=True)
class Context:
    """What benchmarks share in one run: the settings, the load generator, the database.

    Attributes:
        config: The run's settings.
        conditions: Run conditions benchmarks learn along the way (e.g. PostgreSQL's
            version); they go into the report.
    """

    config: RunConfig
    conditions: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def loadgen(self) -> LoadGenerator:
        """The load generator, chosen (and wrk installed if possible) on first use."""
        generator = choose_load_generator(self.config.loadgen, say)
        self.conditions["load_generator"] = (
            f"{generator.name} {generator.version} "
            f"(1 thread, {self.config.connections} keep-alive connections)"
        )
        return generator

    @cached_property
    def database_server(self) -> str:
        """URL of the PostgreSQL server benchmarks create throwaway databases on."""
        url = find_test_server()
        self.conditions["postgres"] = _postgres_version(url)
        return url


def _postgres_version(url: str) -> str:
    async def fetch() -> str:
        conn = await asyncpg.connect(url)
        try:
            return str(await conn.fetchval("show server_version"))
        finally:
            await conn.close()

    host = url.split("@")[-1].split("/")[0] or "embedded (unix socket)"
    return f"{asyncio.run(fetch())} at {host}"
