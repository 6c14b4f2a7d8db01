"""``/connections`` and ``/runs``: register a connection, run an import, read the reports."""

from __future__ import annotations

import json
from typing import Annotated
from uuid import UUID

import anyio.to_thread
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import Db, Services, not_found, route_opt

from nexus_integrations._connector import registry
from nexus_integrations._engine import apply
from nexus_integrations._examples import body
from nexus_integrations._keys import CONNECTIONS_MANAGE, RUNS_READ, RUNS_WRITE
from nexus_integrations._models import ConnectionIn, ConnectionOut, ImportIn, RunOut
from nexus_integrations._store import (
    create_connection,
    finish_run,
    list_connections,
    list_runs,
    load_config,
    start_run,
)

__all__ = ("ConnectionController", "RunController")


class ConnectionController(Controller):
    """The tenant's connections to other systems."""

    path = "/connections"
    tags = ["integrations: connections"]

    @post("/", opt=route_opt(permission=CONNECTIONS_MANAGE))
    async def register(
        self, db: Db, data: Annotated[ConnectionIn, body("POST /connections", "Odoo")]
    ) -> ConnectionOut:
        """Register a connection; its configuration is checked, encrypted, never answered.

        422 naming ``config`` when the connector's settings are wrong; 409 when the name is
        taken for the source (or ``NEXUS_INTEGRATIONS_KEYS`` is not configured).
        """
        async with db.transaction() as conn:
            return await create_connection(conn, data)

    @get("/", opt=route_opt(permission=RUNS_READ))
    async def list_all(self, db: Db) -> list[ConnectionOut]:
        """The tenant's connections and their cursors (never the credentials)."""
        async with db.transaction() as conn:
            return await list_connections(conn)

    @post("/{connection_id:uuid}/imports", opt=route_opt(permission=RUNS_WRITE))
    async def run_import(
        self,
        db: Db,
        services: Services,
        connection_id: FromPath[UUID],
        data: Annotated[ImportIn, body("POST /connections/{connection_id}/imports", "Dry run")],
    ) -> RunOut:
        """Import from the connection (or, with ``dry_run``, say what would change).

        The run is recorded first; its report counts per object what was created, left
        unchanged (already imported, same data) or found in conflict (changed remotely
        after the import: Nexus wins). A remote failure fails the run (``error``) and
        writes nothing. 404 when the connection is not the tenant's.
        """
        async with db.transaction() as conn:
            source, config, cursors = await load_config(conn, connection_id)
            run_id = await start_run(conn, connection_id, dry_run=data.dry_run)
        connector = registry()[source]
        try:
            fetched = await anyio.to_thread.run_sync(
                connector.fetch, config, {} if data.full else cursors
            )
            async with db.transaction() as conn:
                report = await apply(
                    conn, services, connection_id, connector, fetched, dry_run=data.dry_run
                )
                if not data.dry_run:
                    await conn.execute(
                        "update integrations_connection set state = jsonb_set(state, "
                        "'{cursors}', $2::jsonb) where id = $1",
                        connection_id,
                        json.dumps({**cursors, **fetched.cursors}),
                    )
                return await finish_run(conn, run_id, report=report)
        except Exception as error:  # noqa: BLE001 - any failure is the run's, recorded
            async with db.transaction() as conn:
                return await finish_run(conn, run_id, report={}, error=str(error)[:2000])


class RunController(Controller):
    """Runs and their reports."""

    path = "/runs"
    tags = ["integrations: runs"]
    opt = route_opt(permission=RUNS_READ)

    @get("/")
    async def list_all(self, db: Db) -> list[RunOut]:
        """The tenant's last 100 runs, newest first, with their reports."""
        async with db.transaction() as conn:
            return await list_runs(conn)

    @get("/{run_id:uuid}")
    async def get_one(self, db: Db, run_id: FromPath[UUID]) -> RunOut:
        """One run and its report; 404 when it is not the tenant's."""
        async with db.transaction() as conn:
            found = await list_runs(conn, run_id)
        if not found:
            not_found()
        return found[0]
