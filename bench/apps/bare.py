"""The baselines: bare Litestar with the same handlers, with and without an asyncpg pool.

Configured from the environment by the harness: ``BENCH_DATABASE_URL``,
``BENCH_DATABASE_ROLE`` (the table owner, so no row-level security applies to
``bench_record``), ``BENCH_POOL_MIN`` and ``BENCH_POOL_MAX`` (the kernel's pool sizes), and
for the CRM baseline ``BENCH_TENANT_ID`` (see :func:`create_crm_app`).
"""

from __future__ import annotations

import os
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any
from uuid import UUID  # noqa: TC003 - Litestar reads handler hints at run time

import asyncpg
from litestar import Litestar, Router, get
from litestar.datastructures import State  # noqa: TC002 - Litestar reads handler hints at run time
from litestar.exceptions import NotFoundException

from bench.apps.handlers import (
    CRM_PREFIX,
    PREFIX,
    SELECT_CONTACT,
    SELECT_RECORD,
    constant_route,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from contextlib import AbstractAsyncContextManager

__all__ = ("create_app", "create_crm_app", "create_db_app")


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


@get("/contacts/{contact_id:uuid}")
async def read_contact(contact_id: UUID, state: State) -> dict[str, Any]:
    """Fetch one CRM contact straight from the pool: the CRM's SELECT, no transaction."""
    async with state.pool.acquire() as conn:
        row = await conn.fetchrow(SELECT_CONTACT, contact_id)
    if row is None:
        raise NotFoundException()
    return dict(row)


def _pool_lifespan(
    settings: dict[str, str],
) -> Callable[[Litestar], AbstractAsyncContextManager[None]]:
    """Return a lifespan opening an asyncpg pool of the kernel's size as ``app.state.pool``."""
    url = os.environ["BENCH_DATABASE_URL"]
    settings = {"application_name": "nexus-bench", **settings}
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

    return pool


def create_db_app() -> Litestar:
    """Return bare Litestar with an asyncpg pool serving the same SELECT as the kernel."""
    return Litestar(
        route_handlers=[Router(path=PREFIX, route_handlers=[constant_route(), read_record])],
        lifespan=[_pool_lifespan({})],
    )


def create_crm_app() -> Litestar:
    """Return bare Litestar serving the CRM's contact SELECT at the CRM's path.

    The CRM's tables force row-level security on every role but superusers, and are keyed
    by ``(tenant_id, id)``, so the tenant is fixed once per connection (``nexus.tenant_id``
    from ``BENCH_TENANT_ID`` as a connection setting): the same statement then takes the
    same plan under the same policy as in the kernel, without a transaction or a
    per-request setting. (Bypassing the policy instead would look the row up without its
    tenant, off the primary key's leading column: more work, not less.)
    """
    return Litestar(
        route_handlers=[Router(path=CRM_PREFIX, route_handlers=[read_contact])],
        lifespan=[_pool_lifespan({"nexus.tenant_id": os.environ["BENCH_TENANT_ID"]})],
    )
