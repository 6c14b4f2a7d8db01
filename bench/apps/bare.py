"""The baselines: bare Litestar with the same handlers, with and without an asyncpg pool.

Configured from the environment by the harness: ``BENCH_DATABASE_URL``,
``BENCH_DATABASE_ROLE`` (the table owner, so no row-level security applies),
``BENCH_POOL_MIN`` and ``BENCH_POOL_MAX`` (the kernel's pool sizes).
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

import asyncpg
from litestar import Litestar, Router, get
from litestar.datastructures import State  # noqa: TC002 - Litestar reads handler hints at run time
from litestar.exceptions import NotFoundException

from bench.apps.handlers import PREFIX, SELECT_RECORD, constant_route

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ("create_app", "create_db_app")


def create_app() -> Litestar:
    """Return bare Litestar serving the constant handler at the kernel's path."""
    return Litestar(route_handlers=[Router(path=PREFIX, route_handlers=[constant_route()])])


@get("/records/{record_id:int}")
async def read_record(record_id: int, state: State) -> dict[str, Any]:
    """Fetch one record straight from the pool: one round trip, no transaction."""
    async with state.pool.acquire() as conn:
        row = await conn.fetchrow(SELECT_RECORD, record_id)
    if row is None:
        raise NotFoundException()
    return dict(row)


def create_db_app() -> Litestar:
    """Return bare Litestar with an asyncpg pool serving the same SELECT as the kernel."""
    url = os.environ["BENCH_DATABASE_URL"]
    settings = {"application_name": "nexus-bench"}
    if os.environ.get("BENCH_DATABASE_ROLE"):
        settings["role"] = os.environ["BENCH_DATABASE_ROLE"]

    @asynccontextmanager
    async def pool(app: Litestar) -> AsyncIterator[None]:
        app.state.pool = await asyncpg.create_pool(
            url,
            min_size=int(os.environ.get("BENCH_POOL_MIN", "1")),
            max_size=int(os.environ.get("BENCH_POOL_MAX", "10")),
            server_settings=settings,
        )
        try:
            yield
        finally:
            await app.state.pool.close()

    return Litestar(
        route_handlers=[Router(path=PREFIX, route_handlers=[constant_route(), read_record])],
        lifespan=[pool],
    )
