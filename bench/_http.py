"""HTTP measurement: check each endpoint, warm up, then alternate measured rounds."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import httpx
import psutil

from bench._results import Goal, Row, row

if TYPE_CHECKING:
    from bench._context import Context
    from bench._servers import Server
    from bench.loadgen import LoadResult

__all__ = ("BenchmarkBroken", "Side", "measure", "ratio_row", "rps_row")

# Read, write and timeout errors above this share of requests mean the run is broken.
_SOCKET_ERROR_SHARE = 0.01


class BenchmarkBroken(RuntimeError):
    """An app under test answered wrongly or failed under load."""


@dataclass(slots=True)
class Side:
    """One side of a comparison: a server, the path to load and the body it must answer.

    Attributes:
        label: How the table names it.
        server: The running server.
        path: The path every request asks for.
        expect: The JSON body a correct answer carries.
        headers: Headers every request carries (the same on both sides of a ratio).
        results: One load result per measured round.
        server_cpu_percent: The server's CPU use per round, in percent of one core.
        other_cpu_percent: CPU used per round by everything but the server and the load
            generator (PostgreSQL, and any other work on the machine), same unit.
    """

    label: str
    server: Server
    path: str
    expect: Any
    headers: dict[str, str] = field(default_factory=dict)
    results: list[LoadResult] = field(default_factory=list)
    server_cpu_percent: list[float] = field(default_factory=list)
    other_cpu_percent: list[float] = field(default_factory=list)

    @property
    def rps(self) -> float:
        """Median requests per second over the measured rounds."""
        return statistics.median(result.rps for result in self.results)


def _preflight(side: Side) -> None:
    response = httpx.get(side.server.url(side.path), headers=side.headers, timeout=10.0)
    if response.status_code != 200 or response.json() != side.expect:
        raise BenchmarkBroken(
            f"{side.label}: GET {side.path} answered {response.status_code} "
            f"{response.text[:300]!r}, expected 200 {side.expect!r}"
        )


def _check(side: Side, result: LoadResult) -> None:
    errors = result.errors
    socket_errors = errors.get("read", 0) + errors.get("write", 0) + errors.get("timeout", 0)
    if (
        result.requests == 0
        or errors.get("status", 0)
        or errors.get("connect", 0)
        or socket_errors > _SOCKET_ERROR_SHARE * result.requests
    ):
        raise BenchmarkBroken(
            f"{side.label}: {result.requests} responses under load, errors {errors}; "
            f"server log: {side.server.log_tail(600)}"
        )


def _busy_seconds() -> float:
    """Return the CPU time all processors have spent busy since boot."""
    times = psutil.cpu_times()
    return float(sum(times) - times.idle - getattr(times, "iowait", 0.0))


def _run(ctx: Context, side: Side, duration_s: int) -> tuple[LoadResult, float, float]:
    busy_before = _busy_seconds()
    before = side.server.cpu_seconds()
    result = ctx.loadgen.run(
        side.server.url(side.path),
        connections=ctx.config.connections,
        duration_s=duration_s,
        headers=side.headers,
    )
    server_s = side.server.cpu_seconds() - before
    other_s = max(0.0, _busy_seconds() - busy_before - server_s - result.cpu_s)
    cpu, other = (100.0 * seconds / result.duration_s for seconds in (server_s, other_s))
    _check(side, result)
    return result, cpu, other


def measure(ctx: Context, sides: list[Side]) -> None:
    """Check, warm up and measure ``sides``, alternating their order from round to round.

    Raises:
        BenchmarkBroken: when a side answers wrongly or fails under load.
    """
    config = ctx.config
    for side in sides:
        _preflight(side)
    for side in sides:
        _run(ctx, side, config.warmup_s)
    for round_index in range(config.rounds):
        order = sides if round_index % 2 == 0 else list(reversed(sides))
        for side in order:
            result, cpu, other = _run(ctx, side, config.duration_s)
            side.results.append(result)
            side.server_cpu_percent.append(cpu)
            side.other_cpu_percent.append(other)


def _side_detail(side: Side) -> dict[str, Any]:
    return {
        "url_path": side.path,
        "rounds_rps": [round(result.rps, 1) for result in side.results],
        "latency_ms": [result.latency_ms for result in side.results],
        "errors": [result.errors for result in side.results],
        "server_cpu_percent": [round(cpu, 1) for cpu in side.server_cpu_percent],
        "other_cpu_percent": [round(cpu, 1) for cpu in side.other_cpu_percent],
        "loadgen_cpu_percent": [round(result.cpu_percent, 1) for result in side.results],
        "loadgen": side.results[0].tool if side.results else None,
    }


def rps_row(benchmark: str, side: Side, *, baseline: str | None = None) -> Row:
    """Return the requests-per-second row of ``side`` with latency and CPU in the note."""
    p50 = statistics.median(result.latency_ms["p50"] for result in side.results)
    p99 = statistics.median(result.latency_ms["p99"] for result in side.results)
    server_cpu = statistics.median(side.server_cpu_percent)
    loadgen_cpu = statistics.median(result.cpu_percent for result in side.results)
    other_cpu = statistics.median(side.other_cpu_percent)
    note = (
        f"p50 {p50:.2f} ms, p99 {p99:.2f} ms; CPU server {server_cpu:.0f}%, "
        f"load generator {loadgen_cpu:.0f}%, other {other_cpu:.0f}%"
    )
    return row(
        benchmark,
        side.label,
        side.rps,
        "req/s",
        baseline=baseline,
        note=note,
        detail=_side_detail(side),
    )


def ratio_row(benchmark: str, subject: Side, baseline: Side, *, goal: Goal, what: str) -> Row:
    """Return ``subject``'s median throughput over ``baseline``'s, judged against ``goal``."""
    per_round = [
        ours.rps / theirs.rps
        for ours, theirs in zip(subject.results, baseline.results, strict=True)
    ]
    note = f"rounds {min(per_round):.2f}–{max(per_round):.2f}" if len(per_round) > 1 else ""
    return row(
        benchmark,
        f"{subject.label} / {baseline.label}",
        subject.rps / baseline.rps,
        "ratio",
        goal=goal,
        baseline=what,
        note=note,
        detail={"per_round": [round(value, 4) for value in per_round]},
    )
