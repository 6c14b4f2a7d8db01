"""Documents follow their Drive files: new versions, the trash, deletion.

A document keeps what Drive said of its file (name, path, type, size, whether it is in the
trash). Drive's events keep that copy true: ``drive.file.updated.v1`` (a new version),
``drive.file.trashed.v1`` / ``drive.file.restored.v1`` (a file, or a folder with the files
in it) and ``drive.file.deleted.v1`` (purged: the document waits for a file again). A
folder's event names only the folder, so the documents' files are then asked of Drive
again (``drive.files.get``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from nexus_documents._drive import files_of

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, Connection, EventContext, Services

__all__ = (
    "FILE_DELETED",
    "FILE_RESTORED",
    "FILE_TRASHED",
    "FILE_UPDATED",
    "file_deleted",
    "file_trashed",
    "file_updated",
    "refresh_files",
)

FILE_UPDATED = "drive.file.updated.v1"
FILE_TRASHED = "drive.file.trashed.v1"
FILE_RESTORED = "drive.file.restored.v1"
FILE_DELETED = "drive.file.deleted.v1"

_CHUNK = 1000  # drive.files.get takes at most this many ids


class _Updated(msgspec.Struct, kw_only=True):
    file_id: UUID
    name: str
    path: str
    size: int
    content_type: str


class _Trashed(msgspec.Struct, kw_only=True):
    file_id: UUID
    name: str
    path: str
    kind: str


class _Deleted(msgspec.Struct, kw_only=True):
    file_id: UUID


_CLEAR = (
    "update documents_document set drive_file_id = null, file_name = null, file_path = null, "
    "content_type = null, size = null, file_trashed = false, updated_at = now() "
)


async def refresh_files(conn: Connection, services: Services, *, only_trashed: bool) -> None:
    """Ask Drive again for the files of the tenant's documents and keep what it answers.

    A file Drive no longer has is let go: its documents wait for a file again.
    """
    ids = [
        row["drive_file_id"]
        for row in await conn.fetch(
            "select distinct drive_file_id from documents_document "
            "where drive_file_id is not null and (not $1 or file_trashed)",
            only_trashed,
        )
    ]
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        found = await files_of(conn, services, chunk)
        for file_id in chunk:
            file = found.get(file_id)
            if file is None:
                await conn.execute(f"{_CLEAR} where drive_file_id = $1", file_id)
                continue
            await conn.execute(
                "update documents_document set file_name = $2, file_path = $3, "
                "content_type = $4, size = $5, file_trashed = $6 where drive_file_id = $1",
                file_id,
                file.name,
                file.path,
                file.content_type,
                file.size,
                file.trashed,
            )


async def file_updated(event: CloudEvent, ctx: EventContext) -> None:
    """A file got a new version: its documents show its new size, type and path."""
    data = msgspec.convert(event.data, _Updated)
    await ctx.conn.execute(
        "update documents_document set file_name = $2, file_path = $3, size = $4, "
        "content_type = $5 where drive_file_id = $1",
        data.file_id,
        data.name,
        data.path,
        data.size,
        data.content_type,
    )


async def file_trashed(event: CloudEvent, ctx: EventContext) -> None:
    """A file (or a folder) went to the trash or came back from it."""
    data = msgspec.convert(event.data, _Trashed)
    if data.kind != "file":
        await refresh_files(ctx.conn, ctx.services, only_trashed=False)
        return
    await ctx.conn.execute(
        "update documents_document set file_trashed = $2 where drive_file_id = $1",
        data.file_id,
        event.type == FILE_TRASHED,
    )


async def file_deleted(event: CloudEvent, ctx: EventContext) -> None:
    """A file (or a folder) was purged: documents over it wait for a file again."""
    data = msgspec.convert(event.data, _Deleted)
    status = await ctx.conn.execute(f"{_CLEAR} where drive_file_id = $1", data.file_id)
    if status == "UPDATE 0":
        # Perhaps a folder: the files purged with it were in the trash with it.
        await refresh_files(ctx.conn, ctx.services, only_trashed=True)
