"""What every load generator reports, and how the harness runs one as a child process."""

from __future__ import annotations

import json
import resource
import subprocess
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("BrokenLoadRun", "LoadGenerator", "LoadResult", "run_child")

_MARKER = "BENCH-JSON "


class BrokenLoadRun(RuntimeError):
    """The load generator failed, or its output could not be read."""


@dataclass(frozen=True, slots=True)
class LoadResult:
    """One load run against one URL.

    Attributes:
        tool: The generator that produced it (``wrk`` or ``asyncio``).
        url: The URL that was requested.
        connections: Keep-alive connections held open during the run.
        requests: Responses received.
        duration_s: Measured length of the run.
        errors: Failures by kind: ``connect``, ``read``, ``write``, ``status`` (a response
            that was not 2xx/3xx) and ``timeout``.
        latency_ms: Response time percentiles ``p50``, ``p90``, ``p99``, ``max``, ``mean``.
        cpu_s: CPU time the generator itself used (user + system).
    """

    tool: str
    url: str
    connections: int
    requests: int
    duration_s: float
    errors: dict[str, int]
    latency_ms: dict[str, float]
    cpu_s: float
    rps: float = field(init=False)

    def __post_init__(self) -> None:
        rps = self.requests / self.duration_s if self.duration_s > 0 else 0.0
        object.__setattr__(self, "rps", rps)

    @property
    def cpu_percent(self) -> float:
        """The generator's CPU use during the run, in percent of one core."""
        return 100.0 * self.cpu_s / self.duration_s if self.duration_s > 0 else 0.0


class LoadGenerator(Protocol):
    """Something that can put HTTP load on a URL from a separate process."""

    name: str
    version: str

    def run(
        self, url: str, *, connections: int, duration_s: int, headers: Mapping[str, str]
    ) -> LoadResult:
        """Hold ``connections`` keep-alive connections busy on ``url`` for ``duration_s``.

        Every request carries ``headers`` (credentials, for the kernel).
        """
        ...


def header_args(headers: Mapping[str, str]) -> list[str]:
    """Return ``--header 'Name: value'`` arguments, the same for wrk and the asyncio client."""
    return [arg for name, value in headers.items() for arg in ("--header", f"{name}: {value}")]


def run_child(argv: list[str], *, timeout_s: float) -> tuple[dict[str, object], float]:
    """Run a generator process; return its ``BENCH-JSON`` summary and the CPU time it used.

    The CPU time is the growth of this process's reaped-children usage across the run; the
    servers under test are never reaped during it, so it is the generator's alone.

    Raises:
        BrokenLoadRun: when the process fails, times out or prints no summary.
    """
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=timeout_s, check=False)
    except subprocess.TimeoutExpired as exc:
        raise BrokenLoadRun(f"{argv[0]} did not finish within {timeout_s:.0f} s") from exc
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu_s = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    for line in done.stdout.splitlines():
        if line.startswith(_MARKER):
            return json.loads(line[len(_MARKER) :]), cpu_s
    tail = (done.stderr or done.stdout).strip()[-600:]
    raise BrokenLoadRun(f"{argv[0]} exited {done.returncode} without a summary: {tail}")


def result_from_summary(
    summary: dict[str, object], *, tool: str, url: str, connections: int, cpu_s: float
) -> LoadResult:
    """Build a :class:`LoadResult` from the ``BENCH-JSON`` line both generators print."""
    errors = summary["errors"]
    latency = summary["latency_us"]
    assert isinstance(errors, dict) and isinstance(latency, dict)
    return LoadResult(
        tool=tool,
        url=url,
        connections=connections,
        requests=int(str(summary["requests"])),
        duration_s=int(str(summary["duration_us"])) / 1e6,
        errors={kind: int(count) for kind, count in errors.items()},
        latency_ms={name: round(float(value) / 1000, 3) for name, value in latency.items()},
        cpu_s=cpu_s,
    )
