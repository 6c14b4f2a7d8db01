"""What Documents asks of Drive, through Drive's services, in the caller's transaction.

Documents never reads Drive's tables: it mirrors the fields it uses of Drive's answers
(``drive.files.get``, ``drive.files.adopt``, ``drive.files.trash``). Drive switched off
answers the kernel's ``ServiceUnavailable`` (409 with ``blocking: ["drive"]``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import msgspec
from nexus_hookspecs.http import invalid

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, Services

__all__ = ("Adopted", "DriveFile", "adopt", "file_of", "files_of", "trash")


class DriveFile(msgspec.Struct, kw_only=True):
    """The fields Documents reads of a file in ``drive.files.get``'s answer."""

    id: UUID
    name: str
    path: str
    size: int
    content_type: str
    trashed: bool = False


class _Files(msgspec.Struct, kw_only=True):
    files: list[DriveFile]


class Adopted(msgspec.Struct, kw_only=True):
    """The fields Documents reads of ``drive.files.adopt``'s answer."""

    file_id: UUID
    version_id: UUID
    path: str


class _Trashed(msgspec.Struct, kw_only=True):
    trashed: list[UUID]


async def files_of(
    conn: Connection, services: Services, file_ids: list[UUID]
) -> dict[UUID, DriveFile]:
    """The Drive files with these ids that exist for the tenant, by id."""
    if not file_ids:
        return {}
    answer = await services.call(conn, "drive.files.get", {"file_ids": file_ids}, result=_Files)
    return {file.id: file for file in answer.files}


async def file_of(
    conn: Connection, services: Services, file_id: UUID, *, key: str = "drive_file_id"
) -> DriveFile:
    """The Drive file a document names; 422 naming ``key`` when it is missing or trashed."""
    found = (await files_of(conn, services, [file_id])).get(file_id)
    if found is None:
        invalid(key, f"no Drive file {file_id} in this tenant")
    if found.trashed:
        invalid(key, f"Drive file {file_id} is in the trash")
    return found


async def adopt(
    conn: Connection,
    services: Services,
    *,
    blob_key: str,
    name: str,
    folder: str,
    content_type: str,
    size: int,
    source_ref: str,
) -> Adopted:
    """File an object of the tenant's files store into Drive (idempotent per ``source_ref``)."""
    request = {
        "blob_key": blob_key,
        "name": name,
        "folder": folder,
        "content_type": content_type,
        "size": size,
        "source_ref": source_ref,
    }
    return await services.call(conn, "drive.files.adopt", request, result=Adopted)


async def trash(conn: Connection, services: Services, file_id: UUID) -> bool:
    """Move a Drive file to the trash (Drive keeps it there until its timed purge).

    Returns:
        Whether Drive moved it now (not when it was in the trash already, or is gone).
    """
    request = {"file_ids": [file_id], "source": "documents"}
    answer = await services.call(conn, "drive.files.trash", request, result=_Trashed)
    return file_id in answer.trashed
