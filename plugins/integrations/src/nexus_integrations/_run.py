"""Running an import of a connection, from a route or from the background sync.

The run is recorded first (its own transaction); the remote is read in a worker thread;
what it brought is applied in one transaction with the run's report, so a failure writes
nothing of it and leaves the run ``failed`` with the error. A two-way connector then sends
what changed in Nexus since its cursor (read in a transaction, sent in a worker thread,
mapped in a third); a dry run only counts what it would send.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio.to_thread

from nexus_integrations._connector import TwoWay, Updating, registry
from nexus_integrations._engine import apply, outgoing, record_pushed
from nexus_integrations._store import finish_run, load_config, start_run

if TYPE_CHECKING:
    from collections.abc import Callable
    from contextlib import AbstractAsyncContextManager
    from uuid import UUID

    from nexus_hookspecs import BlobStore, Connection
    from nexus_hookspecs.http import Services

    from nexus_integrations._models import RunOut

    Begin = Callable[[], AbstractAsyncContextManager[tuple[Connection, Services]]]

__all__ = ("execute",)


async def _save_cursors(conn: Connection, connection_id: UUID, cursors: dict[str, str]) -> None:
    await conn.execute(
        "update integrations_connection set state = jsonb_set(state, "
        "'{cursors}', $2::jsonb) where id = $1",
        connection_id,
        json.dumps(cursors),
    )


async def _send(
    begin: Begin,
    connection_id: UUID,
    connector: TwoWay,
    config: Any,
    cursors: dict[str, str],
    report: dict[str, Any],
    *,
    dry_run: bool,
) -> None:
    async with begin() as (conn, services):
        changes, after = await outgoing(conn, services, connection_id, connector, config, cursors)
    if dry_run:
        for change in changes:
            per = report["counts"].setdefault(
                f"{change.object} (sent)", {"create": 0, "update": 0, "unchanged": 0, "conflict": 0}
            )
            per["update" if change.remote_id else "create"] += 1
        return
    pushed = await anyio.to_thread.run_sync(connector.push, config, changes)
    async with begin() as (conn, _):
        await record_pushed(conn, connection_id, pushed, report)
        await _save_cursors(conn, connection_id, {**cursors, **after})
    report["cursors"] = {**report.get("cursors", {}), **after}


async def execute(
    begin: Begin, connection_id: UUID, *, dry_run: bool, full: bool, blobs: BlobStore
) -> RunOut:
    """Run an import of ``connection_id`` (404 when not the tenant's); answer the run.

    ``blobs`` is the tenant's files store: imported files' content goes there.
    """
    async with begin() as (conn, _):
        source, config, cursors = await load_config(conn, connection_id)
        run_id = await start_run(conn, connection_id, dry_run=dry_run)
    connector = registry()[source]
    two_way = connector if isinstance(connector, TwoWay) else None
    updating = connector if isinstance(connector, Updating) else None
    policy = updating.conflict_policy(config) if updating is not None else "nexus_wins"
    try:
        fetched = await anyio.to_thread.run_sync(connector.fetch, config, {} if full else cursors)
        async with begin() as (conn, services):
            report = await apply(
                conn,
                services,
                connection_id,
                connector,
                fetched,
                dry_run=dry_run,
                policy=policy,
                blobs=blobs,
            )
            cursors = {**cursors, **fetched.cursors}
            if not dry_run:
                await _save_cursors(conn, connection_id, cursors)
        if two_way is not None:
            await _send(begin, connection_id, two_way, config, cursors, report, dry_run=dry_run)
        async with begin() as (conn, _):
            return await finish_run(conn, run_id, report=report)
    except Exception as error:  # noqa: BLE001 - any failure is the run's, recorded
        async with begin() as (conn, _):
            return await finish_run(conn, run_id, report={}, error=str(error)[:2000])
