"""Running the virus scanners (``nexus_drive.hooks``) over a version, and what they decide."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_drive.hooks import scanners

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import BlobStore, Connection

__all__ = ("ready_to_share", "scan_version")


async def scan_version(blobs: BlobStore, key: str) -> tuple[str, str] | None:
    """``(scanner, finding)`` of the first scanner that flags the object, else ``None``."""
    for scanner in scanners():
        finding = await scanner.scan(blobs.stream(key))
        if finding is not None:
            return scanner.name, finding
    return None


async def ready_to_share(conn: Connection, item_id: UUID) -> bool:
    """Whether every file in the item (itself, or all below a folder) passed the scanners.

    Always true without a scanner installed.
    """
    if not scanners():
        return True
    waiting: bool = await conn.fetchval(
        "with recursive down (id) as (select $1::uuid union all "
        "select i.id from drive_item i join down on i.parent_id = down.id "
        "where i.trashed_at is null) "
        "select exists (select 1 from drive_item where id in (select id from down) "
        "and kind = 'file' and version_id is distinct from scanned_version_id)",
        item_id,
    )
    return not waiting
