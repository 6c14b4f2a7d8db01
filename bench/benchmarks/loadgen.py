"""``loadgen``: the load generator's own ceiling against a raw ASGI app on the same uvicorn."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench._http import Side, measure, rps_row
from bench._servers import child_env
from bench.benchmarks._apps import serve_app

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("CEILING_MEASURE", "run")

CEILING_MEASURE = "raw ASGI constant (load generator ceiling)"


def run(ctx: Context) -> list[Row]:
    """Measure requests/s of a raw ASGI app returning a constant: the fastest any app gets."""
    with serve_app(
        "raw-asgi",
        "bench.apps.trivial:create_app",
        workers=ctx.config.workers,
        env=child_env(),
        ready_path="/",
    ) as server:
        side = Side(CEILING_MEASURE, server, "/", {"hello": "world"})
        measure(ctx, [side])
    return [rps_row("loadgen", side)]
