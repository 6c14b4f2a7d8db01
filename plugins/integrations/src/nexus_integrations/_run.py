"""Running an import of a connection, from a route or from the background sync.

The run is recorded first (its own transaction); the remote is read in a worker thread;
what it brought is applied in one transaction with the run's report, so a failure writes
nothing of it and leaves the run ``failed`` with the error.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

import anyio.to_thread

from nexus_integrations._connector import registry
from nexus_integrations._engine import apply
from nexus_integrations._store import finish_run, load_config, start_run

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractAsyncContextManager
    from uuid import UUID

    from nexus_hookspecs import Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._models import RunOut

    Begin = Callable[[], AbstractAsyncContextManager[tuple[Connection, Services]]]

__all__ = ("execute",)


async def execute(begin: Begin, connection_id: UUID, *, dry_run: bool, full: bool) -> RunOut:
    """Run an import of ``connection_id`` (404 when not the tenant's); answer the run."""
    async with begin() as (conn, _):
        source, config, cursors = await load_config(conn, connection_id)
        run_id = await start_run(conn, connection_id, dry_run=dry_run)
    connector = registry()[source]
    try:
        fetched = await anyio.to_thread.run_sync(connector.fetch, config, {} if full else cursors)
        async with begin() as (conn, services):
            report = await apply(conn, services, connection_id, connector, fetched, dry_run=dry_run)
            if not dry_run:
                await conn.execute(
                    "update integrations_connection set state = jsonb_set(state, "
                    "'{cursors}', $2::jsonb) where id = $1",
                    connection_id,
                    json.dumps({**cursors, **fetched.cursors}),
                )
            return await finish_run(conn, run_id, report=report)
    except Exception as error:  # noqa: BLE001 - any failure is the run's, recorded
        async with begin() as (conn, _):
            return await finish_run(conn, run_id, report={}, error=str(error)[:2000])
