"""``read``: GET one tenant record through the kernel vs bare Litestar + asyncpg."""

from __future__ import annotations

from contextlib import ExitStack
from typing import TYPE_CHECKING

from bench._http import Side, measure, ratio_row, rps_row
from bench._results import Goal
from bench.apps import plugin
from bench.apps.handlers import READ_PATH, RECORD_ID, record_body
from bench.benchmarks._apps import bare_db_env, kernel_env, serve_app
from bench.benchmarks._database import migrated_database

if TYPE_CHECKING:
    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

GOAL = Goal(">=", 0.6)
BASELINE = (
    "bare Litestar + asyncpg pool (same size), same SELECT by primary key, "
    "no transaction, as the table owner"
)


def run(ctx: Context) -> list[Row]:
    """Measure both apps in alternating rounds; return their req/s and the ratio.

    The kernel side runs as the API role through ``db.transaction(tenant_id=...)``:
    a transaction, the tenant setting and row-level security, as every plugin read will.
    """
    workers = ctx.config.workers
    with (
        migrated_database(ctx.database_server, plugins=[plugin], records=True) as db,
        ExitStack() as stack,
    ):
        ctx.conditions["kernel_auth"] = db.auth
        bare = stack.enter_context(
            serve_app(
                "bare-asyncpg",
                "bench.apps.bare:create_db_app",
                workers=workers,
                env=bare_db_env(db.url),
                ready_path=READ_PATH,
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
        expect = record_body(RECORD_ID, db.tenant_id)
        baseline = Side("bare Litestar + asyncpg", bare, READ_PATH, expect, db.headers)
        subject = Side("Nexus kernel", kernel, READ_PATH, expect, db.headers)
        measure(ctx, [baseline, subject])
    return [
        rps_row("read", baseline),
        rps_row("read", subject),
        ratio_row("read", subject, baseline, goal=GOAL, what=BASELINE),
    ]
