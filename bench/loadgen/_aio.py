"""The asyncio fallback generator, run as its own process (``_aioclient.py``)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from bench.loadgen._base import LoadResult, header_args, result_from_summary, run_child

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("AsyncioLoadGenerator",)

_CLIENT = Path(__file__).with_name("_aioclient.py")


class AsyncioLoadGenerator:
    """One process, one thread, ``connections`` keep-alive connections on uvloop."""

    name = "asyncio"
    version = f"python {sys.version.split()[0]}"

    def run(
        self, url: str, *, connections: int, duration_s: int, headers: Mapping[str, str]
    ) -> LoadResult:
        """Run the client script against ``url`` and return its figures."""
        argv = [
            sys.executable,
            str(_CLIENT),
            url,
            "--connections",
            str(connections),
            "--duration",
            str(duration_s),
            *header_args(headers),
        ]
        summary, cpu_s = run_child(argv, timeout_s=duration_s + 30)
        return result_from_summary(
            summary, tool=self.name, url=url, connections=connections, cpu_s=cpu_s
        )
