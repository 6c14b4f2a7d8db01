"""``crm_read``: GET one CRM contact through the kernel vs bare Litestar + asyncpg."""

from __future__ import annotations

import asyncio
from contextlib import ExitStack
from typing import TYPE_CHECKING, Any

import asyncpg
import msgspec
import nexus_crm

from bench._http import Side, measure, ratio_row, rps_row
from bench._results import Goal
from bench.apps.handlers import CRM_PREFIX, SELECT_CONTACT
from bench.benchmarks._apps import bare_db_env, kernel_env, serve_app
from bench.benchmarks._database import crm_contacts, migrated_database

if TYPE_CHECKING:
    from uuid import UUID

    from bench._context import Context
    from bench._results import Row

__all__ = ("run",)

GOAL = Goal(">=", 0.6)
BASELINE = (
    "bare Litestar + asyncpg pool (same size), the CRM's own contact SELECT (tags as an "
    "array), no transaction, tenant fixed per connection"
)


async def _expected(url: str, tenant_id: UUID, contact_id: UUID) -> Any:
    """The JSON body of the contact: its row as the SELECT returns it, encoded and decoded."""
    conn = await asyncpg.connect(url)
    try:
        await conn.execute("select set_config('nexus.tenant_id', $1, false)", str(tenant_id))
        row = await conn.fetchrow(SELECT_CONTACT, contact_id)
    finally:
        await conn.close()
    return msgspec.json.decode(msgspec.json.encode(dict(row)))


def run(ctx: Context) -> list[Row]:
    """Measure both apps in alternating rounds; return their req/s and the ratio.

    The kernel side is the CRM plugin as shipped: the tenant's API key, the auth gate and
    toggles, ``db.transaction()`` as the API role with row-level security, the CRM's
    ``show_contact`` (its SELECT, ``msgspec.convert`` into ``ContactOut``) and Litestar's
    encoding. The baseline sends the same SELECT for the same row and encodes its columns.
    """
    workers = ctx.config.workers
    with (
        migrated_database(ctx.database_server, plugins=[nexus_crm]) as db,
        ExitStack() as stack,
    ):
        ctx.conditions["kernel_auth"] = db.auth
        contact_id = crm_contacts(db)
        path = f"{CRM_PREFIX}/contacts/{contact_id}"
        bare = stack.enter_context(
            serve_app(
                "bare-asyncpg-crm",
                "bench.apps.bare:create_crm_app",
                workers=workers,
                env={**bare_db_env(db.url), "BENCH_TENANT_ID": str(db.tenant_id)},
                ready_path=path,
            )
        )
        kernel = stack.enter_context(
            serve_app(
                "nexus-kernel-crm",
                "bench.apps.kernel:create_crm_app",
                workers=workers,
                env=kernel_env(db.url),
                ready_path="/healthz",
            )
        )
        expect = asyncio.run(_expected(db.url, db.tenant_id, contact_id))
        baseline = Side("bare Litestar + asyncpg", bare, path, expect, db.headers)
        subject = Side("Nexus kernel + CRM", kernel, path, expect, db.headers)
        measure(ctx, [baseline, subject])
    return [
        rps_row("crm_read", baseline),
        rps_row("crm_read", subject),
        ratio_row("crm_read", subject, baseline, goal=GOAL, what=BASELINE),
    ]
