"""HTTP load generators: ``wrk`` when it can be had, else an asyncio fallback.

Both run as a separate process with one thread and a fixed number of keep-alive
connections, and report the same figures (:class:`LoadResult`), including their own CPU
time so a run can show that the generator was not the bottleneck.
"""

from __future__ import annotations

from bench.loadgen._base import LoadGenerator, LoadResult
from bench.loadgen._choose import choose_load_generator

__all__ = ("LoadGenerator", "LoadResult", "choose_load_generator")
