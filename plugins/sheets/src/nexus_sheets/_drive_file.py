"""A file already in Drive, read as the caller: what ``import-drive`` starts from.

Drive decides: ``drive.files.access`` answers the caller's role on the file and its current
version's object, read from the tenant's files store. No role is 404, as a missing file;
a quarantined one (the virus scan's) is 409; a folder, an extension the import does not take
or a file over the limit is 422 naming ``file_id``.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import TYPE_CHECKING, Annotated, NamedTuple
from uuid import UUID  # noqa: TC003 - msgspec reads the annotations

import msgspec
from nexus_hookspecs.http import conflict, invalid

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, Connection, Services

__all__ = ("DriveFile", "DriveImportIn", "read_drive_file")


class DriveImportIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The Drive file to import, and the new document's name (the file's stem by default)."""

    file_id: UUID
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None
    folder_id: UUID | None = None


class DriveFile(NamedTuple):
    """A Drive file's content, its extension (lower case, no dot) and the name to give."""

    data: bytes
    extension: str
    name: str


class _Accessed(msgspec.Struct, kw_only=True):
    name: str
    size: int | None = None
    blob_key: str | None = None
    quarantined: bool = False


async def read_drive_file(  # noqa: PLR0913 - the ports, the request and what is accepted
    conn: Connection,
    services: Services,
    blobs: BlobStore,
    asked: DriveImportIn,
    *,
    actor: str,
    extensions: frozenset[str],
    max_size: int,
) -> DriveFile:
    """The file ``asked`` names, when ``actor`` may open it and it is one of ``extensions``."""
    data = {"file_id": str(asked.file_id), "actor": actor}
    found = await services.call(conn, "drive.files.access", data, result=_Accessed)
    if found.blob_key is None:
        invalid("file_id", "not a file")
    if found.quarantined:
        conflict("the file is quarantined by the virus scan")
    extension = PurePath(found.name).suffix.lower().lstrip(".")
    if extension not in extensions:
        taken = ", ".join(f".{name}" for name in sorted(extensions))
        invalid("file_id", f"import takes {taken} files, not '.{extension}'")
    if (found.size or 0) > max_size:
        invalid("file_id", f"the file is larger than {max_size} bytes")
    name = asked.name or PurePath(found.name).stem or found.name
    return DriveFile(await blobs.get(found.blob_key), extension, name[:255])
