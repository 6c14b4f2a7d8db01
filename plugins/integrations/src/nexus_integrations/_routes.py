"""``/connections`` and ``/runs``: register a connection, run an import, read the reports."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import anyio.to_thread
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import Db, Services, TenantBlobs, invalid, not_found, route_opt

from nexus_integrations._examples import body
from nexus_integrations._keys import CONNECTIONS_MANAGE, RUNS_READ, RUNS_WRITE
from nexus_integrations._models import (
    ConnectionIn,
    ConnectionOut,
    ImportIn,
    OAuthCompleteIn,
    OAuthStartOut,
    RunOut,
)
from nexus_integrations._oauth import OAuthError, consent_url, exchange
from nexus_integrations._run import execute
from nexus_integrations._store import (
    check_oauth_state,
    complete_oauth,
    create_connection,
    list_connections,
    list_runs,
    start_oauth,
)

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nexus_hookspecs import Connection


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

    @post("/{connection_id:uuid}/oauth/start", opt=route_opt(permission=CONNECTIONS_MANAGE))
    async def oauth_start(self, db: Db, connection_id: FromPath[UUID]) -> OAuthStartOut:
        """The provider's consent URL for the connection's OAuth client, with a new ``state``.

        The administrator grants access there; the provider sends them back to the
        configured ``redirect_uri`` with a ``code`` and the ``state``, to hand to
        ``/oauth/complete``. 404 when the connection is not the tenant's; 409 when its
        connector uses no OAuth.
        """
        async with db.transaction() as conn:
            app, state = await start_oauth(conn, connection_id)
        return OAuthStartOut(url=consent_url(app, state), state=state)

    @post("/{connection_id:uuid}/oauth/complete", opt=route_opt(permission=CONNECTIONS_MANAGE))
    async def oauth_complete(
        self,
        db: Db,
        connection_id: FromPath[UUID],
        data: Annotated[
            OAuthCompleteIn, body("POST /connections/{connection_id}/oauth/complete", "Code")
        ],
    ) -> ConnectionOut:
        """Exchange the provider's ``code`` for tokens; keep the refresh token, encrypted.

        The exchange is made at the connector's token endpoint. 409 when ``state`` is not
        the one handed out; 422 naming ``code`` when the provider refuses it.
        """
        async with db.transaction() as conn:
            app = await check_oauth_state(conn, connection_id, data.state)
        try:
            token = await anyio.to_thread.run_sync(exchange, app, data.code)
        except OAuthError as error:
            invalid("code", f"the provider refused the code: {error}")
        if not token.get("refresh_token"):
            invalid("code", "the provider granted no refresh token (offline access)")
        async with db.transaction() as conn:
            return await complete_oauth(conn, connection_id, str(token["refresh_token"]))

    @post("/{connection_id:uuid}/imports", opt=route_opt(permission=RUNS_WRITE))
    async def run_import(
        self,
        db: Db,
        services: Services,
        blobs: TenantBlobs,
        connection_id: FromPath[UUID],
        data: Annotated[ImportIn, body("POST /connections/{connection_id}/imports", "Dry run")],
    ) -> RunOut:
        """Import from the connection (or, with ``dry_run``, say what would change).

        The run is recorded first; its report counts per object what was created, left
        unchanged (already imported, same data) or found in conflict (changed remotely
        after the import: Nexus wins). A remote failure fails the run (``error``) and
        writes nothing. 404 when the connection is not the tenant's.
        """

        @asynccontextmanager
        async def begin() -> AsyncIterator[tuple[Connection, Services]]:
            async with db.transaction() as conn:
                yield conn, services

        return await execute(
            begin, connection_id, dry_run=data.dry_run, full=data.full, blobs=blobs
        )


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
