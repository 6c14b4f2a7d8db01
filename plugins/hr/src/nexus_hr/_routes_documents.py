"""Employee documents: files about an employee, kept through the files port."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import UploadFile
from litestar.exceptions import ClientException
from litestar.openapi.spec import (
    OpenAPIMediaType,
    OpenAPIResponse,
    Operation,
    RequestBody,
    Schema,
)
from litestar.openapi.spec.enums import OpenAPIType
from litestar.params import FromPath
from nexus_hookspecs import BlobTooLargeError, new_id
from nexus_hookspecs.http import (
    Db,
    TenantBlobs,
    conflict,
    content_disposition,
    invalid,
    not_found,
    route_opt,
)

from nexus_hr._employees import lock_employee, read_employee
from nexus_hr._keys import DOCUMENTS, DOCUMENTS_READ, DOCUMENTS_WRITE

__all__ = ("MAX_DOCUMENT_BYTES", "DocumentController", "DocumentOut")

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
"""Largest document accepted (10 MiB)."""

_SAFE_NAME = re.compile(r"[^A-Za-z0-9 ._()-]+")


class DocumentOut(msgspec.Struct, kw_only=True):
    """A document's description (its bytes: ``GET /documents/{id}``)."""

    id: UUID
    employee_id: UUID
    name: str
    content_type: str
    size: int
    created_at: dt.datetime


@dataclass
class _UploadOperation(Operation):
    """Documents the upload body: a multipart form with a ``file`` part."""

    def __post_init__(self) -> None:
        upload = Schema(
            type=OpenAPIType.OBJECT,
            properties={
                "file": Schema(type=OpenAPIType.STRING, format=None, description="The file."),
                "name": Schema(type=OpenAPIType.STRING, description="Its name (optional)."),
            },
            required=["file"],
        )
        self.request_body = RequestBody(
            required=True,
            description=f"A file of at most {MAX_DOCUMENT_BYTES} bytes.",
            content={
                "multipart/form-data": OpenAPIMediaType(
                    schema=upload, example={"file": "<the file's bytes>", "name": "contract.pdf"}
                )
            },
        )


@dataclass
class _DownloadOperation(Operation):
    """The download's 200 is the file's bytes, in the media type it was uploaded with."""

    def __post_init__(self) -> None:
        schema = Schema(type=OpenAPIType.STRING, description="The file's bytes.")
        self.responses = {
            **(self.responses or {}),
            "200": OpenAPIResponse(
                description="The file.",
                content={"application/octet-stream": OpenAPIMediaType(schema=schema)},
            ),
        }


def _name(upload: UploadFile, given: Any) -> str:
    raw = given if isinstance(given, str) and given.strip() else upload.filename or "document"
    cleaned = _SAFE_NAME.sub("_", raw).strip()[:255]
    return cleaned or "document"


async def _upload(request: Request[Any, Any, Any]) -> tuple[bytes, str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != "multipart/form-data":
        raise ClientException("send multipart/form-data with a file part", status_code=415)
    form = await request.form()
    upload = form.get("file")
    if not isinstance(upload, UploadFile):
        invalid("file", "missing file part")
    raw = await upload.read(MAX_DOCUMENT_BYTES + 1)
    if len(raw) > MAX_DOCUMENT_BYTES:
        raise ClientException(
            f"the document is larger than {MAX_DOCUMENT_BYTES} bytes", status_code=413
        )
    if not raw:
        invalid("file", "the file is empty")
    media = (upload.content_type or "application/octet-stream").split(";")[0].strip()
    if not re.fullmatch(r"[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+", media):
        media = "application/octet-stream"
    return raw, _name(upload, form.get("name")), media


class DocumentController(Controller):
    """Documents per employee: upload, list, download, delete."""

    path = "/"
    tags = ["hr"]
    opt = route_opt(feature=DOCUMENTS)

    @get(
        "/employees/{employee_id:uuid}/documents",
        summary="List an employee's documents",
        opt=route_opt(permission=DOCUMENTS_READ),
    )
    async def list_documents(self, db: Db, employee_id: FromPath[UUID]) -> list[DocumentOut]:
        """The employee's documents, oldest first."""
        async with db.transaction() as conn:
            await read_employee(conn, employee_id)
            rows = await conn.fetch(
                "select id, employee_id, name, content_type, size, created_at from hr_document "
                "where employee_id = $1 order by id",
                employee_id,
            )
        return [msgspec.convert(dict(row), DocumentOut) for row in rows]

    @post(
        "/employees/{employee_id:uuid}/documents",
        summary="Upload a document",
        opt=route_opt(permission=DOCUMENTS_WRITE),
        operation_class=_UploadOperation,
    )
    async def upload_document(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        blobs: TenantBlobs,
        employee_id: FromPath[UUID],
    ) -> DocumentOut:
        """Store a file about the employee in the tenant's file store.

        A multipart ``file`` part, and an optional ``name``.

        413 past 10 MiB, 415 for another body, 409 once the employee's data was erased.
        """
        async with db.transaction() as conn:
            employee = await read_employee(conn, employee_id)
        if employee["erased_at"] is not None:
            conflict("the employee's personal data was erased", state="erased")
        raw, name, media = await _upload(request)
        document_id = new_id()
        key = f"hr/employees/{employee_id}/{document_id}"
        try:
            await blobs.put(key, raw, content_type=media)
        except BlobTooLargeError as exc:
            raise ClientException(str(exc), status_code=413) from None
        async with db.transaction() as conn:
            await lock_employee(conn, employee_id)
            row = await conn.fetchrow(
                "insert into hr_document (id, employee_id, name, content_type, size, blob_key) "
                "values ($1, $2, $3, $4, $5, $6) "
                "returning id, employee_id, name, content_type, size, created_at",
                document_id,
                employee_id,
                name,
                media,
                len(raw),
                key,
            )
        return msgspec.convert(dict(row or {}), DocumentOut)

    @get(
        "/documents/{document_id:uuid}",
        summary="Download a document",
        opt=route_opt(permission=DOCUMENTS_READ),
        operation_class=_DownloadOperation,
    )
    async def download_document(
        self, db: Db, blobs: TenantBlobs, document_id: FromPath[UUID]
    ) -> Response[bytes]:
        """The document's bytes, with its media type and file name. Read only."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select name, content_type, blob_key from hr_document where id = $1", document_id
            )
        if row is None:
            not_found()
        try:
            content = await blobs.get(row["blob_key"])
        except KeyError:
            not_found()
        return Response(
            content,
            media_type=row["content_type"],
            headers={"Content-Disposition": content_disposition(row["name"])},
        )

    @delete(
        "/documents/{document_id:uuid}",
        summary="Delete a document",
        opt=route_opt(permission=DOCUMENTS_WRITE),
    )
    async def delete_document(
        self, db: Db, blobs: TenantBlobs, document_id: FromPath[UUID]
    ) -> None:
        """Delete a document and its file."""
        async with db.transaction() as conn:
            key = await conn.fetchval(
                "delete from hr_document where id = $1 returning blob_key", document_id
            )
        if key is None:
            not_found()
        await blobs.delete(key)
