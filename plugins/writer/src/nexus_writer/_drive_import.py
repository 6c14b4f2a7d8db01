"""Import a file already in Drive (a DOCX, ODT or Markdown upload) as a new Writer document.

Drive decides: ``drive.files.access`` answers the caller's role on the file and its current
version's object, which Writer reads from the tenant's files store. A file the caller holds
no role on is 404, as a missing one; a quarantined one (the virus scan's) is 409.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads the handlers' annotations

import msgspec
from litestar import post
from nexus_hookspecs.http import (
    Context,
    Db,
    Services,
    TenantBlobs,
    conflict,
    invalid,
    route_opt,
)

from nexus_writer._examples import body
from nexus_writer._keys import WRITE
from nexus_writer._routes import MAX_IMPORT, DocumentOut, actor_of, create, parse

__all__ = ("import_drive_file",)


class DriveImportIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The Drive file to import, and the new document's name (the file's stem by default)."""

    file_id: UUID
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)] | None = None
    folder_id: UUID | None = None


class _Accessed(msgspec.Struct, kw_only=True):
    name: str
    size: int | None = None
    blob_key: str | None = None
    quarantined: bool = False


@post("/documents/import-drive", opt=route_opt(permission=WRITE))
async def import_drive_file(  # noqa: PLR0913 - the ports a route handler is given
    data: Annotated[DriveImportIn, body("POST /documents/import-drive", "A DOCX in Drive")],
    db: Db,
    services: Services,
    blobs: TenantBlobs,
    context: Context,
) -> DocumentOut:
    """Create a document from a DOCX, ODT or Markdown file in Drive the caller may open."""
    actor = actor_of(context)
    async with db.transaction() as conn:
        asked = {"file_id": str(data.file_id), "actor": actor}
        found = await services.call(conn, "drive.files.access", asked, result=_Accessed)
    if found.blob_key is None:
        invalid("file_id", "not a file")
    if found.quarantined:
        conflict("the file is quarantined by the virus scan")
    if (found.size or 0) > MAX_IMPORT:
        invalid("file_id", f"the file is larger than {MAX_IMPORT} bytes")
    imported = parse(found.name, await blobs.get(found.blob_key), field="file_id")
    name = data.name or PurePath(found.name).stem or found.name
    return await create(
        db,
        services,
        actor=actor,
        name=name[:255],
        folder=data.folder_id,
        imported=imported,
        blobs=blobs,
    )
