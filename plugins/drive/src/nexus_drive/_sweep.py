"""The sweep: trash purged after ``trash_days``, abandoned uploads and let-go blobs deleted.

``POST /api/v1/drive/sweep`` sweeps the caller's tenant now; the background sweep does the
same for every tenant with Drive on every ``NEXUS_DRIVE_SWEEP_S`` seconds (300 by default;
0 turns it off, leaving the route). Blobs are deleted from the files store only after the
transaction that let them go committed (``drive_orphan``), so a rollback never loses data.
"""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import msgspec
import structlog
from nexus_hookspecs import Periodic

from nexus_drive._routes_items import purge
from nexus_drive._store import orphan

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable
    from contextlib import AbstractAsyncContextManager
    from uuid import UUID

    from nexus_hookspecs import Background, BlobStore, Connection, EventPublisher

    from nexus_drive._settings import DriveSettings

__all__ = (
    "INTERVAL_ENV",
    "SWEEPER",
    "SweepReport",
    "delete_orphans",
    "let_go",
    "sweep",
    "sweep_tenant",
)

INTERVAL_ENV = "NEXUS_DRIVE_SWEEP_S"
_BATCH = 500
log = structlog.get_logger("nexus_drive")


class SweepReport(msgspec.Struct, kw_only=True):
    """What one sweep of a tenant did.

    Attributes:
        purged: Trashed items deleted for good (trashed longer than ``trash_days``).
        uploads_expired: Unfinished resumable uploads past their expiry, dropped.
        blobs_deleted: Objects deleted from the files store.
    """

    purged: int = 0
    uploads_expired: int = 0
    blobs_deleted: int = 0


async def let_go(conn: Connection, settings: DriveSettings, events: EventPublisher) -> SweepReport:
    """In one transaction: purge old trash, drop expired uploads (their parts let go)."""
    report = SweepReport()
    old = await conn.fetch(
        "select id from drive_item where trash_root and trashed_at < now() - make_interval("
        "days => $1) order by trashed_at limit $2",
        settings.trash_days,
        _BATCH,
    )
    for row in old:
        await purge(conn, events, row["id"])
        report.purged += 1
    expired = await conn.fetch(
        "delete from drive_upload where expires_at < now() and file_id is null returning id, parts"
    )
    for row in expired:
        for part in range(row["parts"]):
            await orphan(conn, f"drive/uploads/{row['id']}/{part}")
        report.uploads_expired += 1
    return report


async def delete_orphans(
    transaction: Callable[[], AbstractAsyncContextManager[Connection]], blobs: BlobStore
) -> int:
    """Delete let-go objects from the files store, then their rows; answer how many."""
    deleted = 0
    while True:
        async with transaction() as conn:
            rows = await conn.fetch(
                "select id, blob_key from drive_orphan order by created_at limit $1", _BATCH
            )
        for row in rows:
            await blobs.delete(row["blob_key"])
        async with transaction() as conn:
            await conn.execute(
                "delete from drive_orphan where id = any($1::uuid[])", [row["id"] for row in rows]
            )
        deleted += len(rows)
        if len(rows) < _BATCH:
            return deleted


async def sweep_tenant(work: Background, tenant_id: UUID) -> SweepReport:
    """Sweep one tenant from the background."""
    async with work.as_tenant(tenant_id) as ctx:
        report = await let_go(ctx.conn, await ctx.settings(), ctx.events)

    @contextlib.asynccontextmanager
    async def transaction() -> AsyncIterator[Connection]:
        async with work.as_tenant(tenant_id) as ctx:
            yield ctx.conn

    report.blobs_deleted = await delete_orphans(transaction, work.blobs(tenant_id))
    return report


async def sweep(work: Background) -> None:
    """Sweep every tenant with Drive on (:func:`sweep_tenant`); one failing spares the rest."""
    for tenant_id in await work.tenants():
        try:
            await sweep_tenant(work, tenant_id)
        except LookupError:
            continue  # deprovisioned since it was listed
        except Exception:  # noqa: BLE001 - the next tenant is still swept
            log.exception("drive sweep failed for a tenant", tenant_id=str(tenant_id))


SWEEPER = Periodic(
    sweep, name="drive sweep", interval_env=INTERVAL_ENV, default_s=300, first_at_start=False
)
"""Runs :func:`sweep` every ``NEXUS_DRIVE_SWEEP_S`` seconds, from one interval after start."""
