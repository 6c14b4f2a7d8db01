"""The retention sweep: documents past their type's retention period expire.

A document is kept through its ``retain_until`` day (its type's rule, ``_types``); the
first sweep after that marks it ``expired``, moves its Drive file to Drive's trash (where
Drive's own timed purge ends it) and publishes ``documents.document.expired.v1``. A document
on legal hold is left alone, file included, however old; released, the next sweep expires
it. :func:`sweep_tenant` takes the day to sweep at, so the route, the background sweep and
the tests call the same function.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

import msgspec
import structlog
from nexus_hookspecs.http import ServiceUnavailable

from nexus_documents._drive import trash
from nexus_documents._events import DOCUMENT_EXPIRED, DocumentExpired

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

__all__ = ("SweepResult", "sweep_tenant")

log = structlog.get_logger("nexus_documents")


class SweepResult(msgspec.Struct, kw_only=True):
    """What one sweep of one tenant did.

    Attributes:
        swept_at: When it ran.
        today: The day it swept at: documents kept until before it expired.
        expired: Documents marked expired.
        files_trashed: Their Drive files moved to the trash.
        held: Documents past their period left alone because they are on legal hold.
    """

    swept_at: datetime
    today: date
    expired: int
    files_trashed: int
    held: int


async def _trash(conn: Connection, services: Services, file_id: UUID) -> bool:
    """Move a file to Drive's trash; whether Drive moved it now.

    ``False`` when it was in the trash already or is gone, or when Drive is off or refuses.
    """
    # A savepoint: a refusal inside Drive's service must not abort the sweep's transaction.
    await conn.execute("savepoint documents_trash")
    try:
        moved = await trash(conn, services, file_id)
    except ServiceUnavailable:
        await conn.execute("rollback to savepoint documents_trash")
        return False
    except Exception:  # noqa: BLE001 - Drive's problem (a 404 for a purged file) is logged
        await conn.execute("rollback to savepoint documents_trash")
        log.warning("drive refused to trash an expired document's file", file_id=str(file_id))
        return False
    await conn.execute("release savepoint documents_trash")
    return moved


async def sweep_tenant(
    conn: Connection, events: EventPublisher, services: Services, *, today: date
) -> SweepResult:
    """Expire the tenant's documents kept until before ``today`` and not on legal hold."""
    rows = await conn.fetch(
        "select id, drive_file_id, retain_until from documents_document "
        "where status = 'active' and not legal_hold and retain_until < $1 "
        "order by retain_until, id for update skip locked",
        today,
    )
    trashed = 0
    for row in rows:
        file_trashed = False
        if row["drive_file_id"] is not None:
            file_trashed = await _trash(conn, services, row["drive_file_id"])
        trashed += file_trashed
        await conn.execute(
            "update documents_document set status = 'expired', expired_at = now(), "
            "file_trashed = file_trashed or $2, updated_at = now() where id = $1",
            row["id"],
            file_trashed,
        )
        data = DocumentExpired(
            document_id=row["id"],
            retain_until=row["retain_until"],
            drive_file_id=row["drive_file_id"],
            file_trashed=file_trashed,
        )
        await events.publish(conn, type=DOCUMENT_EXPIRED.type, data=data, subject=str(row["id"]))
    held = await conn.fetchval(
        "select count(*) from documents_document "
        "where status = 'active' and legal_hold and retain_until < $1",
        today,
    )
    swept_at = await conn.fetchval("select now()")
    return SweepResult(
        swept_at=swept_at, today=today, expired=len(rows), files_trashed=trashed, held=held
    )
