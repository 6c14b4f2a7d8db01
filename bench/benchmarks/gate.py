"""``gate``: a constant plugin route through the whole kernel vs the same handler bare."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

from bench._http import Side, measure, ratio_row, rps_row
from bench._results import Goal
from bench._servers import child_env
from bench.apps import plugin
from bench.apps.handlers import CONSTANT_BODY, CONSTANT_PATH
from bench.benchmarks._apps import kernel_env, serve_app
from bench.benchmarks._database import migrated_database

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

GOAL = Goal(">=", 0.85)
BASELINE = "bare Litestar, same handler and path, same uvicorn flags"


def run(ctx: Context) -> list[Row]:
    """Measure both apps in alternating rounds; return their req/s and the ratio.

    Everything the kernel puts in front of a plugin handler is included (request ids,
    metrics, dependency injection and whichever auth, tenant and toggle gates it has).
    Both sides get the same request, credentials included.
    """
    workers = ctx.config.workers
    with migrated_database(ctx.database_server, plugins=[plugin]) as db, ExitStack() as stack:
        ctx.conditions["kernel_auth"] = db.auth
        bare = stack.enter_context(
            serve_app(
                "bare-litestar",
                "bench.apps.bare:create_app",
                workers=workers,
                env=child_env(),
                ready_path=CONSTANT_PATH,
            )
        )
        kernel = stack.enter_context(
            serve_app(
                "nexus-kernel",
                "bench.apps.kernel:create_app",
                workers=workers,
                env=kernel_env(db.url),
                ready_path="/healthz",
            )
        )
        baseline = Side("bare Litestar", bare, CONSTANT_PATH, CONSTANT_BODY, db.headers)
        subject = Side("Nexus kernel", kernel, CONSTANT_PATH, CONSTANT_BODY, db.headers)
        measure(ctx, [baseline, subject])
    return [
        rps_row("gate", baseline),
        rps_row("gate", subject),
        ratio_row("gate", subject, baseline, goal=GOAL, what=BASELINE),
    ]
