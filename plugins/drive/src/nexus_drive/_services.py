"""The services Drive offers other plugins, in the caller's transaction.

``drive.files.adopt`` files an object another plugin already wrote into the tenant's files
store (an invoice's PDF, a payslip) into the shared drive "Documents", without copying it;
``drive.files.get`` answers files by id.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from nexus_hookspecs import Service
from nexus_hookspecs.http import conflict

from nexus_drive._store import (
    ITEM_COLUMNS,
    FileOut,
    add_file,
    add_version,
    check_name,
    ensure_documents_drive,
    ensure_folder_path,
    file_out,
    free_name,
    item_path,
)

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

    from nexus_drive._settings import DriveSettings

__all__ = ("SERVICES", "Adopt", "Adopted", "FilesGet", "FilesGot")


class Adopt(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``drive.files.adopt``.

    Attributes:
        blob_key: An object already in the tenant's files store (``finance/invoices/<id>.pdf``).
        name: The file's name in the drive.
        folder: A "/"-separated folder path inside the shared drive "Documents", made as
            needed (``Finance/Invoices``); empty for its top level.
        content_type: The object's media type.
        size: Its size in bytes.
        source_ref: The caller's reference: the same one answers the first file (a new
            version is added when ``blob_key`` differs).
    """

    blob_key: Annotated[str, msgspec.Meta(min_length=1, max_length=1024)]
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    folder: Annotated[str, msgspec.Meta(max_length=1024)]
    content_type: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    size: Annotated[int, msgspec.Meta(ge=0)]
    source_ref: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]


class Adopted(msgspec.Struct, kw_only=True):
    """The answer of ``drive.files.adopt``: the file, its current version and its path."""

    file_id: UUID
    version_id: UUID
    path: str


class FilesGet(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The request of ``drive.files.get``: files by id (unknown ids are left out)."""

    file_ids: Annotated[list[UUID], msgspec.Meta(max_length=1000)]


class FilesGot(msgspec.Struct, kw_only=True):
    """The answer of ``drive.files.get``."""

    files: list[FileOut]


async def adopt(data: Adopt, ctx: ServiceContext) -> Adopted:
    """File an object of the tenant's files store into the shared drive "Documents"."""
    if data.blob_key.startswith(("drive/", "/")):
        conflict("only another plugin's object can be adopted, not one of Drive's own")
    settings: DriveSettings = await ctx.settings()
    conn = ctx.conn
    existing = await conn.fetchrow(
        f"select {ITEM_COLUMNS} from drive_item where source_ref = $1 for update", data.source_ref
    )
    if existing is not None:
        current = await conn.fetchval(
            "select blob_key from drive_version where id = $1", existing["version_id"]
        )
        version_id = existing["version_id"]
        if current != data.blob_key:
            version_id = await add_version(
                conn,
                ctx.events,
                item=existing,
                content_type=data.content_type,
                size=data.size,
                actor=None,
                keep=settings.keep_versions,
                key=data.blob_key,
            )
        return Adopted(
            file_id=existing["id"],
            version_id=version_id,
            path=await item_path(conn, existing["id"]),
        )
    drive_id = await ensure_documents_drive(conn)
    parent = await ensure_folder_path(conn, drive_id, data.folder, None)
    name = await free_name(conn, drive_id, parent, check_name(data.name))
    file_id, version_id = await add_file(
        conn,
        ctx.events,
        drive_id=drive_id,
        parent_id=parent,
        name=name,
        content_type=data.content_type,
        size=data.size,
        actor=None,
        key=data.blob_key,
        source_ref=data.source_ref,
    )
    return Adopted(file_id=file_id, version_id=version_id, path=await item_path(conn, file_id))


async def get_files(data: FilesGet, ctx: ServiceContext) -> FilesGot:
    """Files by id, trashed ones included (``trashed``); folders and unknown ids left out."""
    rows = await ctx.conn.fetch(
        f"select {ITEM_COLUMNS} from drive_item where id = any($1::uuid[]) and kind = 'file' "
        "order by id",
        data.file_ids,
    )
    return FilesGot(files=[await file_out(ctx.conn, row) for row in rows])


SERVICES = (
    Service(
        name="drive.files.adopt",
        handler=adopt,
        request=Adopt,
        response=Adopted,
        description=(
            "Files an object already in the tenant's files store (no copy) into the shared "
            "drive 'Documents' under a folder path made as needed; idempotent per source_ref "
            "(a different blob_key adds a version). Text and thumbnails follow after commit."
        ),
    ),
    Service(
        name="drive.files.get",
        handler=get_files,
        request=FilesGet,
        response=FilesGot,
        description="Files by id: name, path, size, type, current version, drive, trashed.",
    ),
)
