"""Drive's own event handlers: scan, index and preview each version after it commits.

The version is streamed from the files store to a temporary file (never whole in memory)
and read there in a worker thread. A stale event (the file has a newer version already) is
passed over: the newer version's own event does the work.
"""

from __future__ import annotations

import asyncio
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from nexus_drive._events import FILE_QUARANTINED, FileQuarantined
from nexus_drive._extract import extract_text, thumbnail
from nexus_drive._scan import scan_version

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("EXTRACT_MAX_BYTES", "file_changed")

EXTRACT_MAX_BYTES = 100 * 1024 * 1024
"""Larger files are scanned but get no text or preview."""

_log = structlog.get_logger("nexus_drive.handlers")


async def _spool(ctx: EventContext, key: str, target: Path) -> None:
    with target.open("wb") as file:
        async for chunk in ctx.blobs.stream(key):
            await asyncio.to_thread(file.write, chunk)


def _read(path: Path, content_type: str, name: str) -> tuple[str | None, bytes | None]:
    return extract_text(path, content_type, name), thumbnail(path, content_type, name)


async def file_changed(event: CloudEvent, ctx: EventContext) -> None:
    """Scan, index and preview the version ``drive.file.added.v1``/``updated.v1`` names."""
    data: dict[str, Any] = event.data
    file_id, version_id = UUID(str(data["file_id"])), UUID(str(data["version_id"]))
    conn = ctx.conn
    row = await conn.fetchrow(
        "select i.name, i.version_id, v.blob_key, v.size, v.content_type from drive_item i "
        "join drive_version v on v.id = i.version_id where i.id = $1 for update of i",
        file_id,
    )
    if row is None or row["version_id"] != version_id:
        return
    try:
        finding = await scan_version(ctx.blobs, row["blob_key"])
    except KeyError:
        _log.warning("drive_blob_missing", file_id=str(file_id), key=row["blob_key"])
        finding = None
    if finding is not None:
        scanner, reason = finding
        await conn.execute(
            "update drive_item set quarantined_at = now(), quarantine_reason = $2, "
            "scanned_version_id = $3 where id = $1",
            file_id,
            f"{scanner}: {reason}",
            version_id,
        )
        await ctx.events.publish(
            conn,
            type=FILE_QUARANTINED,
            data=FileQuarantined(
                file_id=file_id, version_id=version_id, scanner=scanner, reason=reason
            ),
            subject=str(file_id),
        )
        return
    text: str | None = None
    preview_key: str | None = None
    if row["size"] <= EXTRACT_MAX_BYTES:
        with tempfile.TemporaryDirectory(prefix="nexus-drive-") as folder:
            path = Path(folder) / "content"
            try:
                await _spool(ctx, row["blob_key"], path)
            except KeyError:
                path.unlink(missing_ok=True)
            if path.exists():
                text, preview = await asyncio.to_thread(
                    _read, path, row["content_type"], row["name"]
                )
                if preview is not None:
                    preview_key = f"drive/{file_id}/{version_id}.png"
                    await ctx.blobs.put(preview_key, preview, content_type="image/png")
    await conn.execute(
        "update drive_item set text_content = $2, thumbnail_key = $3, scanned_version_id = $4 "
        "where id = $1 and version_id = $4",
        file_id,
        text,
        preview_key,
        version_id,
    )
