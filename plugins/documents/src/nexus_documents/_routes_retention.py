"""``/retention``: run the retention sweep for the caller's tenant."""

from __future__ import annotations

from datetime import UTC, datetime

from litestar import Controller, post
from nexus_hookspecs.http import Db, Events, Services, route_opt

from nexus_documents._keys import RETENTION_MANAGE
from nexus_documents._retention import SweepResult, sweep_tenant

__all__ = ("RetentionController",)


class RetentionController(Controller):
    """The retention sweep, on demand."""

    path = "/retention"
    tags = ["documents: retention"]

    @post("/sweep", opt=route_opt(permission=RETENTION_MANAGE), status_code=200)
    async def sweep(self, db: Db, events: Events, services: Services) -> SweepResult:
        """Expire the documents past their retention period and not on legal hold, now.

        The background sweep does the same every hour: each is marked expired, its Drive
        file moved to Drive's trash, and ``documents.document.expired.v1`` published.
        """
        async with db.transaction() as conn:
            return await sweep_tenant(conn, events, services, today=datetime.now(UTC).date())
