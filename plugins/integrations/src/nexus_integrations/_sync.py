"""The ongoing sync, every ``NEXUS_INTEGRATIONS_SYNC_S`` seconds (900; 0 turns it off).

Each connection of each tenant with Integrations on runs an import of what changed since
its cursors. A tenant's or a connection's failure is logged (a failed run) and the others
still run.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import structlog
from nexus_hookspecs import Periodic

from nexus_integrations._run import execute

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from uuid import UUID

    from nexus_hookspecs import Background, Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._models import RunOut

__all__ = ("SYNC", "sync")

log = structlog.get_logger("nexus_integrations")


async def sync(work: Background) -> list[RunOut]:
    """Run an import of every connection of every tenant; answer the runs."""
    runs: list[RunOut] = []
    for tenant_id in await work.tenants():

        @asynccontextmanager
        async def begin(tenant: UUID = tenant_id) -> AsyncIterator[tuple[Connection, Services]]:
            async with work.as_tenant(tenant) as ctx:
                yield ctx.conn, ctx.services

        try:
            async with begin() as (conn, _):
                ids = [r["id"] for r in await conn.fetch("select id from integrations_connection")]
            for connection_id in ids:
                blobs = work.blobs(tenant_id)
                runs.append(
                    await execute(begin, connection_id, dry_run=False, full=False, blobs=blobs)
                )
        except Exception:  # noqa: BLE001 - the next tenant still syncs
            log.exception("integrations sync failed for a tenant", tenant_id=str(tenant_id))
    return runs


async def _tick(work: Background) -> None:
    await sync(work)


SYNC = Periodic(
    _tick,
    name="integrations sync",
    interval_env="NEXUS_INTEGRATIONS_SYNC_S",
    default_s=900,
    first_at_start=False,
)
