"""Writer's routes: create, list, export and import documents (content through collab)."""

from __future__ import annotations

import base64
from pathlib import PurePath
from typing import TYPE_CHECKING, Annotated, Any, NamedTuple
from uuid import UUID  # noqa: TC003 - Litestar reads the handlers' annotations

import msgspec
from litestar import Request, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import NotFoundException
from litestar.params import FromPath, QueryParameter
from litestar.response import Response
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Services,
    TenantBlobs,
    content_disposition,
    file_operation,
    invalid,
    route_opt,
)

from nexus_writer._examples import body
from nexus_writer._formats import EXPORTS, IMPORTS, ExportFormat
from nexus_writer._images import document_pictures, file_pictures
from nexus_writer._keys import READ, WRITE
from nexus_writer._ydoc import from_state, to_state

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore

    from nexus_writer._picture import Picture

__all__ = (
    "MAX_IMPORT",
    "DocumentOut",
    "Imported",
    "actor_of",
    "create",
    "create_document",
    "export_document",
    "import_document",
    "list_documents",
    "parse",
)

MAX_IMPORT = 20 * 1024 * 1024


class DocumentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new document: its name, and a Drive folder (else the top of one's own drive)."""

    name: Annotated[str, msgspec.Meta(min_length=1, max_length=255)]
    folder_id: UUID | None = None


class DocumentOut(msgspec.Struct, kw_only=True):
    """A Writer document; ``file_id`` is its Drive file (and its collab socket's path)."""

    file_id: UUID
    name: str
    created_by: str


class _Created(msgspec.Struct, kw_only=True):
    file_id: UUID


class _State(msgspec.Struct, kw_only=True):
    file_id: UUID
    kind: str
    state: str


class Imported(NamedTuple):
    """A parsed file: its ProseMirror JSON and the pictures it holds (by SHA-256)."""

    document: dict[str, Any]
    pictures: dict[str, Picture]


def actor_of(context: Context) -> str:
    """The caller (the gate admits only principals to Writer's routes)."""
    assert context.actor is not None  # the gate admits only principals
    return context.actor


async def create(  # noqa: PLR0913 - the ports, and who makes what where
    db: Db,
    services: Services,
    *,
    actor: str,
    name: str,
    folder: UUID | None,
    imported: Imported | None = None,
    blobs: BlobStore | None = None,
) -> DocumentOut:
    """Create the document through collab and record it for the list.

    An ``imported`` file's pictures are filed into Drive first (with ``blobs``), in the same
    transaction, and its image nodes pointed at them; without one the document is empty.
    """
    async with db.transaction() as conn:
        state = b""
        if imported is not None:
            document = imported.document
            if imported.pictures and blobs is not None:
                document = await file_pictures(
                    conn,
                    services,
                    blobs,
                    document,
                    imported.pictures,
                    actor=actor,
                    folder_id=folder,
                )
            state = to_state(document)
        made = await services.call(
            conn,
            "collab.documents.create",
            {
                "name": name,
                "kind": "writer",
                "actor": actor,
                "folder_id": str(folder) if folder else None,
                "state": base64.b64encode(state).decode(),
            },
            result=_Created,
        )
        await conn.execute(
            "insert into writer_document (id, name, created_by) values ($1, $2, $3)",
            made.file_id,
            name,
            actor,
        )
    return DocumentOut(file_id=made.file_id, name=name, created_by=actor)


@post("/documents", opt=route_opt(permission=WRITE))
async def create_document(
    data: Annotated[DocumentIn, body("POST /documents", "An empty document")],
    db: Db,
    services: Services,
    context: Context,
) -> DocumentOut:
    """Create an empty document in Drive; edit it over ``/api/v1/collab/{file_id}``."""
    return await create(
        db, services, actor=actor_of(context), name=data.name, folder=data.folder_id
    )


@get("/documents", opt=route_opt(permission=READ))
async def list_documents(db: Db, services: Services, context: Context) -> list[DocumentOut]:
    """The Writer documents the caller holds a Drive role on, newest first (at most 500)."""
    actor = actor_of(context)
    async with db.transaction() as conn:
        rows = await conn.fetch(
            "select id, name, created_by from writer_document order by id desc limit 500"
        )
        out = []
        for row in rows:
            data = {"file_id": str(row["id"]), "actor": actor}
            try:
                await services.call(conn, "drive.files.access", data, result=dict[str, Any])
            except NotFoundException:  # not shared with the caller (or gone from Drive)
                continue
            out.append(
                DocumentOut(file_id=row["id"], name=row["name"], created_by=row["created_by"])
            )
    return out


_EXPORT_OPERATION = file_operation(
    *(media.media_type.split(";")[0] for media, _ in EXPORTS.values())
)


@get(
    "/documents/{file_id:uuid}/export",
    opt=route_opt(permission=READ),
    operation_class=_EXPORT_OPERATION,
)
async def export_document(  # noqa: PLR0913 - the ports a route handler is given
    file_id: FromPath[UUID],
    db: Db,
    services: Services,
    blobs: TenantBlobs,
    context: Context,
    export_format: Annotated[
        ExportFormat, QueryParameter(name="format", description="docx, odt, md or pdf")
    ] = "docx",
) -> Response[bytes]:
    """The document as DOCX, ODT, Markdown or PDF (the caller needs a Drive role on it).

    DOCX, ODT and PDF embed the pictures the caller may open in Drive (PNG, JPEG, GIF); any
    other image is a line naming its Drive file.
    """
    actor = actor_of(context)
    async with db.transaction() as conn:
        data = {"file_id": str(file_id), "actor": actor}
        state = await services.call(conn, "collab.documents.state", data, result=_State)
        name = await conn.fetchval("select name from writer_document where id = $1", file_id)
        if state.kind != "writer":
            invalid("file_id", "not a Writer document")
        document = from_state(base64.b64decode(state.state))
        pictures: dict[str, Picture] = {}
        if export_format != "md":
            pictures = await document_pictures(conn, services, blobs, document, actor=actor)
    media, convert = EXPORTS[export_format]
    body = convert(document, pictures)
    filename = f"{PurePath(name or 'document').stem}.{media.extension}"
    return Response(
        body,
        media_type=media.media_type,
        headers={"Content-Disposition": content_disposition(filename)},
    )


def parse(filename: str, raw: bytes, *, field: str) -> Imported:
    """A DOCX, ODT or Markdown file read by its name's extension (a DOCX's pictures too).

    Raises a 422 naming ``field`` for another extension, a file over 20 MB or one the
    parser cannot read.
    """
    extension = PurePath(filename).suffix.lower().lstrip(".")
    if extension not in IMPORTS:
        invalid(field, f"import takes .docx, .odt or .md files, not '.{extension}'")
    if len(raw) > MAX_IMPORT:
        invalid(field, f"the file is larger than {MAX_IMPORT} bytes")
    try:
        document = IMPORTS[extension](raw)
        pictures: dict[str, Picture] = {}
        if extension == "docx":
            from nexus_writer._docx import docx_pictures  # noqa: PLC0415 - python-docx is slow to import

            pictures = docx_pictures(raw)
    except Exception:  # noqa: BLE001 - a broken file, whatever the parser says
        invalid(field, f"the file is not a readable .{extension} document")
    return Imported(document, pictures)


@post("/documents/import", opt=route_opt(permission=WRITE))
async def import_document(
    request: Request[Any, Any, Any],
    db: Db,
    services: Services,
    blobs: TenantBlobs,
    context: Context,
) -> DocumentOut:
    """Import a DOCX, ODT or Markdown file (multipart ``file``; ``name`` optional)."""
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        invalid("file", "send the document as the multipart part 'file'")
    imported = parse(upload.filename or "", await upload.read(), field="file")
    name = str(form.get("name") or PurePath(upload.filename or f"{new_id()}").stem)[:255]
    folder_text = form.get("folder_id")
    folder: UUID | None = None
    if isinstance(folder_text, str) and folder_text:
        try:
            folder = UUID(folder_text)
        except ValueError:
            invalid("folder_id", "not a UUID")
    return await create(
        db,
        services,
        actor=actor_of(context),
        name=name,
        folder=folder,
        imported=imported,
        blobs=blobs,
    )
