"""Drives, folders, files and versions in the database: the operations every entry uses.

Routes, the tus uploads, WebDAV and the services all write through these functions, so a
file added any way gets the same rows, the same events and the same version pruning. None of
them touches the files store: blobs are written before (uploads) and deleted after commit
(``drive_orphan`` rows, swept in the background), so a rollback loses nothing.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_drive._events import FILE_ADDED, FILE_UPDATED, FileAdded

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "ITEM_COLUMNS",
    "DOCUMENTS_DRIVE",
    "FileOut",
    "add_file",
    "add_version",
    "blob_key",
    "check_name",
    "ensure_folder_path",
    "ensure_documents_drive",
    "ensure_user_drive",
    "file_out",
    "free_name",
    "item_path",
    "load_item",
    "orphan",
)

DOCUMENTS_DRIVE = "Documents"
"""The shared drive other plugins file their documents into (``drive.files.adopt``)."""

ITEM_COLUMNS = (
    "id, drive_id, parent_id, kind, name, content_type, size, version_id, source_ref, "
    "created_by, created_at, updated_at, trashed_at, quarantined_at, quarantine_reason, "
    "thumbnail_key, scanned_version_id"
)

_BAD_NAME = re.compile(r"[/\\\x00-\x1f]")


class FileOut(msgspec.Struct, kw_only=True):
    """A file as the ``drive.files.get`` service answers it."""

    id: UUID
    name: str
    path: str
    size: int
    content_type: str
    version_id: UUID | None
    drive_id: UUID
    trashed: bool


def check_name(name: str, *, key: str = "name") -> str:
    """A valid item name (no slash, no control character, not ``.`` or ``..``), or 422."""
    cleaned = name.strip()
    if not cleaned or len(cleaned) > 255 or _BAD_NAME.search(cleaned) or cleaned in {".", ".."}:
        invalid(key, "a name is 1 to 255 characters, without '/', '\\' or control characters")
    return cleaned


def blob_key(file_id: UUID, version_id: UUID) -> str:
    """Where a version uploaded to Drive lives in the tenant's files store."""
    return f"drive/{file_id}/{version_id}"


async def ensure_user_drive(conn: Connection, actor: str) -> Mapping[str, Any]:
    """The actor's own drive ("My drive"), made on first use."""
    row = await conn.fetchrow(
        "select id, kind, name, owner from drive_drive where kind = 'user' and owner = $1", actor
    )
    if row is not None:
        return row
    await conn.execute(
        "insert into drive_drive (id, kind, name, owner) values ($1, 'user', 'My drive', $2) "
        "on conflict do nothing",
        new_id(),
        actor,
    )
    made = await conn.fetchrow(
        "select id, kind, name, owner from drive_drive where kind = 'user' and owner = $1", actor
    )
    assert made is not None
    return made


async def ensure_documents_drive(conn: Connection) -> UUID:
    """The id of the shared drive "Documents" other plugins file into, made when missing."""
    found: UUID | None = await conn.fetchval(
        "select id from drive_drive where purpose = 'documents'"
    )
    if found is not None:
        return found
    await conn.execute(
        "insert into drive_drive (id, kind, name, purpose) values ($1, 'shared', $2, "
        "'documents') on conflict do nothing",
        new_id(),
        DOCUMENTS_DRIVE,
    )
    made: UUID = await conn.fetchval("select id from drive_drive where purpose = 'documents'")
    return made


async def _child(
    conn: Connection, drive_id: UUID, parent_id: UUID | None, name: str
) -> Mapping[str, Any] | None:
    return await conn.fetchrow(
        f"select {ITEM_COLUMNS} from drive_item where drive_id = $1 "
        "and parent_id is not distinct from $2 and lower(name) = lower($3) "
        "and trashed_at is null",
        drive_id,
        parent_id,
        name,
    )


async def ensure_folder_path(
    conn: Connection, drive_id: UUID, path: str, actor: str | None
) -> UUID | None:
    """The folder at ``path`` ("/"-separated, from the drive's top), made as needed.

    Returns ``None`` for the drive's top level (an empty path). A file in the way answers 409.
    """
    parent: UUID | None = None
    for part in (segment for segment in path.split("/") if segment.strip()):
        name = check_name(part, key="folder")
        row = await _child(conn, drive_id, parent, name)
        if row is None:
            folder = new_id()
            await conn.execute(
                "insert into drive_item (id, drive_id, parent_id, kind, name, created_by) "
                "values ($1, $2, $3, 'folder', $4, $5)",
                folder,
                drive_id,
                parent,
                name,
                actor,
            )
            parent = folder
        elif row["kind"] != "folder":
            conflict(f"'{name}' is a file, not a folder")
        else:
            parent = row["id"]
    return parent


async def item_path(conn: Connection, item_id: UUID) -> str:
    """The item's path inside its drive: ``/Finance/Invoices/INV-1.pdf``."""
    names = await conn.fetch(
        "with recursive up (id, parent_id, name, depth) as ("
        "  select id, parent_id, name, 0 from drive_item where id = $1"
        "  union all"
        "  select i.id, i.parent_id, i.name, up.depth + 1 from drive_item i"
        "  join up on i.id = up.parent_id"
        ") select name from up order by depth desc",
        item_id,
    )
    return "/" + "/".join(row["name"] for row in names)


async def load_item(conn: Connection, item_id: UUID, *, lock: bool = False) -> Mapping[str, Any]:
    """An item's row (locked for the transaction when asked), or 404."""
    row = await conn.fetchrow(
        f"select {ITEM_COLUMNS} from drive_item where id = $1{' for update' if lock else ''}",
        item_id,
    )
    if row is None:
        not_found()
    return row


async def free_name(conn: Connection, drive_id: UUID, parent_id: UUID | None, name: str) -> str:
    """``name``, or ``name (2).ext``, ``name (3).ext``… when it is taken in the folder."""
    stem, dot, ext = name.rpartition(".")
    if not dot or not stem:
        stem, ext = name, ""
    candidate, number = name, 1
    while await _child(conn, drive_id, parent_id, candidate) is not None:
        number += 1
        suffix = f" ({number}){'.' + ext if ext else ''}"
        # A name near the 255-character limit gives up the end of its stem to its number.
        candidate = stem[: 255 - len(suffix)] + suffix
    return candidate


async def orphan(conn: Connection, key: str) -> None:
    """Let go of a blob: the sweep deletes it after this transaction commits."""
    await conn.execute("insert into drive_orphan (id, blob_key) values ($1, $2)", new_id(), key)


async def _prune(conn: Connection, item_id: UUID, keep: int) -> None:
    """Delete the versions of a file beyond the newest ``keep`` (their owned blobs orphaned)."""
    gone = await conn.fetch(
        "delete from drive_version where item_id = $1 and id in ("
        "  select id from drive_version where item_id = $1 order by number desc offset $2"
        ") returning blob_key, owned",
        item_id,
        keep,
    )
    for row in gone:
        if row["owned"]:
            await orphan(conn, row["blob_key"])


async def add_file(  # noqa: PLR0913 - one row of each table, named
    conn: Connection,
    events: EventPublisher,
    *,
    drive_id: UUID,
    parent_id: UUID | None,
    name: str,
    content_type: str,
    size: int,
    actor: str | None,
    key: str | None = None,
    file_id: UUID | None = None,
    version_id: UUID | None = None,
    source_ref: str | None = None,
) -> tuple[UUID, UUID]:
    """Add a new file with its first version; publish ``drive.file.added.v1``.

    ``key`` is the blob's key when it is not Drive's own (``drive/<file>/<version>``):
    such a blob belongs to the plugin that wrote it and is never deleted by Drive.
    """
    file_id = file_id or new_id()
    version_id = version_id or new_id()
    await conn.execute(
        "insert into drive_item (id, drive_id, parent_id, kind, name, content_type, size, "
        "version_id, source_ref, created_by) values ($1, $2, $3, 'file', $4, $5, $6, $7, $8, $9)",
        file_id,
        drive_id,
        parent_id,
        name,
        content_type,
        size,
        version_id,
        source_ref,
        actor,
    )
    await conn.execute(
        "insert into drive_version (id, item_id, number, blob_key, owned, size, content_type, "
        "created_by) values ($1, $2, 1, $3, $4, $5, $6, $7)",
        version_id,
        file_id,
        key or blob_key(file_id, version_id),
        key is None,
        size,
        content_type,
        actor,
    )
    await events.publish(
        conn,
        type=FILE_ADDED,
        data=FileAdded(
            file_id=file_id,
            version_id=version_id,
            name=name,
            path=await item_path(conn, file_id),
            size=size,
            content_type=content_type,
            drive_id=drive_id,
        ),
        subject=str(file_id),
    )
    return file_id, version_id


async def add_version(  # noqa: PLR0913 - the version's facts, named
    conn: Connection,
    events: EventPublisher,
    *,
    item: Mapping[str, Any],
    content_type: str,
    size: int,
    actor: str | None,
    keep: int,
    key: str | None = None,
    version_id: UUID | None = None,
    owned: bool | None = None,
) -> UUID:
    """Make a new current version of a file; keep the newest ``keep``; publish the update.

    ``key`` is the blob's key when it is not ``drive/<file>/<version>``; ``owned`` says
    whether Drive deletes it when the version goes (by default: only its own keys).
    """
    version_id = version_id or new_id()
    number: int = await conn.fetchval(
        "select coalesce(max(number), 0) + 1 from drive_version where item_id = $1", item["id"]
    )
    await conn.execute(
        "insert into drive_version (id, item_id, number, blob_key, owned, size, content_type, "
        "created_by) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        version_id,
        item["id"],
        number,
        key or blob_key(item["id"], version_id),
        key is None if owned is None else owned,
        size,
        content_type,
        actor,
    )
    await conn.execute(
        "update drive_item set version_id = $2, size = $3, content_type = $4, updated_at = now(), "
        "quarantined_at = null, quarantine_reason = null, text_content = null, "
        "thumbnail_key = null where id = $1",
        item["id"],
        version_id,
        size,
        content_type,
    )
    if item["thumbnail_key"]:
        await orphan(conn, item["thumbnail_key"])
    await _prune(conn, item["id"], keep)
    await events.publish(
        conn,
        type=FILE_UPDATED,
        data=FileAdded(
            file_id=item["id"],
            version_id=version_id,
            name=item["name"],
            path=await item_path(conn, item["id"]),
            size=size,
            content_type=content_type,
            drive_id=item["drive_id"],
        ),
        subject=str(item["id"]),
    )
    return version_id


async def file_out(conn: Connection, row: Mapping[str, Any]) -> FileOut:
    """A file row as ``drive.files.get`` answers it."""
    return FileOut(
        id=row["id"],
        name=row["name"],
        path=await item_path(conn, row["id"]),
        size=row["size"],
        content_type=row["content_type"],
        version_id=row["version_id"],
        drive_id=row["drive_id"],
        trashed=row["trashed_at"] is not None,
    )
