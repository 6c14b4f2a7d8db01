"""Resumable uploads: the tus protocol 1.0.0 (core, creation, termination).

``POST /api/v1/drive/uploads`` creates an upload (``Upload-Length``, and ``Upload-Metadata``
with ``filename`` and optionally ``filetype``, ``parent_id``, ``drive_id``); its
``Location`` is ``/api/v1/drive/uploads/{id}/data``, where ``HEAD`` answers the
``Upload-Offset`` the server holds, ``PATCH`` (``application/offset+octet-stream``) appends
from that offset and ``DELETE`` drops the upload. Every request carries
``Tus-Resumable: 1.0.0`` and the caller's credentials; an upload is its creator's only.

The bytes are never held whole in memory: each PATCH body is streamed into parts of at most
:data:`PART_BYTES` (``drive/uploads/<id>/<n>`` in the files store), and the server's offset
moves when a part is stored, so a connection cut midway loses at most the part in flight;
the client asks ``HEAD`` and resumes from there. The last byte streams the parts, in order,
into the file's object (``drive/<file id>/<version id>``) and records the file as an upload
through ``POST /files`` would (a same-named file gets a new version); the answer names it in
``Drive-File-Id``. Unfinished uploads expire after ``upload_expiry_hours`` (the sweep drops
them and their parts).
"""

from __future__ import annotations

import base64
import binascii
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from litestar import Controller, Request, Response, delete, head, patch, post, route
from litestar.enums import HttpMethod
from litestar.exceptions import HTTPException, InternalServerException
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    TenantBlobs,
    TenantSettings,
    conflict,
    not_found,
    route_opt,
)

from nexus_drive._common import STREAMED, actor_of
from nexus_drive._keys import FILES_WRITE
from nexus_drive._openapi import TUS_VERSION_MISSING
from nexus_drive._quota import check_quota, check_size
from nexus_drive._routes_items import content_type_of, place, save_file
from nexus_drive._settings import DriveSettings
from nexus_drive._store import check_name, orphan

if TYPE_CHECKING:
    from collections.abc import AsyncIterable, AsyncIterator, Mapping

    from nexus_hookspecs import BlobStore, Connection

__all__ = ("PART_BYTES", "TUS_VERSION", "UploadController")

_log = structlog.get_logger("nexus_drive.tus")

TUS_VERSION = "1.0.0"
PART_BYTES = 8 * 1024 * 1024
"""The largest part one PATCH stores at a time (what a cut connection may lose)."""

Settings = TenantSettings[DriveSettings]
_OFFSET_TYPE = "application/offset+octet-stream"


def _tus_headers(**more: str) -> dict[str, str]:
    return {"Tus-Resumable": TUS_VERSION, "Cache-Control": "no-store", **more}


def _refuse(status: int, detail: str) -> HTTPException:
    return HTTPException(detail, status_code=status, headers=_tus_headers())


def _check_version(request: Request[Any, Any, Any]) -> None:
    if request.headers.get("tus-resumable") != TUS_VERSION:
        raise HTTPException(
            f"send Tus-Resumable: {TUS_VERSION}",
            status_code=412,
            headers={"Tus-Version": TUS_VERSION},
        )


def _metadata(header: str | None) -> dict[str, str]:
    """``Upload-Metadata``: comma-separated ``key base64value`` pairs."""
    found: dict[str, str] = {}
    for pair in (header or "").split(","):
        if not pair.strip():
            continue
        key, _, value = pair.strip().partition(" ")
        try:
            found[key] = base64.b64decode(value, validate=True).decode() if value else ""
        except (binascii.Error, UnicodeDecodeError):
            raise _refuse(400, f"Upload-Metadata: {key} is not base64 UTF-8") from None
    return found


def _uuid(value: str | None, key: str) -> UUID | None:
    if not value:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise _refuse(400, f"Upload-Metadata: {key} is not a UUID") from None


class _Splitter:
    """Cuts a stream of chunks into consecutive parts of at most a given size."""

    def __init__(self, chunks: AsyncIterable[bytes]) -> None:
        self._chunks = chunks.__aiter__()
        self._left = b""
        self._done = False

    async def more(self) -> bool:
        """Whether any byte is left."""
        while not self._left and not self._done:
            try:
                self._left = await anext(self._chunks)
            except StopAsyncIteration:
                self._done = True
        return bool(self._left)

    async def take(self, size: int) -> AsyncIterator[bytes]:
        """The next ``size`` bytes (fewer at the end), as chunks."""
        remaining = size
        while remaining > 0 and await self.more():
            chunk, self._left = self._left[:remaining], self._left[remaining:]
            remaining -= len(chunk)
            yield chunk


async def _upload(conn: Connection, upload_id: UUID, actor: str) -> Mapping[str, Any]:
    row = await conn.fetchrow(
        "select id, drive_id, parent_id, name, content_type, length, received, parts, "
        "created_by, expires_at from drive_upload where id = $1 and created_by = $2 "
        "and file_id is null and expires_at > now()",
        upload_id,
        actor,
    )
    if row is None:
        not_found()
    return row


def _part_key(upload_id: UUID, number: int) -> str:
    return f"drive/uploads/{upload_id}/{number}"


async def _parts(blobs: BlobStore, upload_id: UUID, count: int) -> AsyncIterator[bytes]:
    for number in range(count):
        async for chunk in blobs.stream(_part_key(upload_id, number)):
            yield chunk


class UploadController(Controller):
    """Resumable uploads (tus 1.0.0: core, creation, termination)."""

    path = "/uploads"
    tags = ["drive"]  # noqa: RUF012 - Litestar reads it as declared
    opt = route_opt(permission=FILES_WRITE)  # noqa: RUF012 - Litestar reads it as declared

    @post("/", status_code=201, responses=TUS_VERSION_MISSING)
    async def create_upload(
        self,
        request: Request[Any, Any, Any],
        db: Db,
        context: Context,
        settings: Settings,
    ) -> Response[None]:
        """Create an upload (tus creation): ``Upload-Length`` and ``Upload-Metadata``.

        Metadata: ``filename`` (required), ``filetype``, ``parent_id`` (a folder),
        ``drive_id`` (a drive's top; the caller's own drive by default). 413 beyond the
        plan's size (``Tus-Max-Size``), 507 beyond a quota; the answer's ``Location`` is where
        to ``PATCH``.
        """
        _check_version(request)
        actor = actor_of(context)
        length_header = request.headers.get("upload-length", "")
        if not length_header.isdigit():
            raise _refuse(400, "Upload-Length is required (deferred lengths are not supported)")
        length = int(length_header)
        check_size(settings, length)
        meta = _metadata(request.headers.get("upload-metadata"))
        name = check_name(meta.get("filename", ""), key="filename")
        parent_id = _uuid(meta.get("parent_id"), "parent_id")
        drive_id = _uuid(meta.get("drive_id"), "drive_id")
        async with db.transaction() as conn:
            drive, parent = await place(conn, actor, drive_id, parent_id)
            await check_quota(conn, settings, drive, length)
            upload_id = new_id()
            await conn.execute(
                "insert into drive_upload (id, drive_id, parent_id, name, content_type, length, "
                "created_by, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
                upload_id,
                drive["id"],
                parent,
                name,
                content_type_of(meta.get("filetype")),
                length,
                actor,
                datetime.now(UTC) + timedelta(hours=settings.upload_expiry_hours),
            )
        return Response(
            None,
            status_code=201,
            headers=_tus_headers(
                Location=f"/api/v1/drive/uploads/{upload_id}/data", **{"Upload-Offset": "0"}
            ),
        )

    # Protocol discovery for tus clients (README), outside the REST API's schema: its 204 has no
    # body, which the schema of a handler answering a Response cannot say.
    @route(
        "/",
        http_method=[HttpMethod.OPTIONS],
        status_code=204,
        responses={},
        include_in_schema=False,
    )
    async def capabilities(self, settings: Settings) -> Response[None]:
        """What this tus server supports: version, extensions, the largest upload."""
        return Response(
            None,
            status_code=204,
            headers=_tus_headers(
                **{
                    "Tus-Version": TUS_VERSION,
                    "Tus-Extension": "creation,termination",
                    "Tus-Max-Size": str(settings.max_upload_bytes),
                }
            ),
        )

    @head("/{upload_id:uuid}/data", responses=TUS_VERSION_MISSING)
    async def upload_offset(
        self, upload_id: FromPath[UUID], request: Request[Any, Any, Any], db: Db, context: Context
    ) -> Response[None]:
        """Where the upload stands: ``Upload-Offset`` (what the server holds), ``Upload-Length``."""
        _check_version(request)
        async with db.transaction() as conn:
            row = await _upload(conn, upload_id, actor_of(context))
        return Response(
            None,
            status_code=200,
            headers=_tus_headers(
                **{"Upload-Offset": str(row["received"]), "Upload-Length": str(row["length"])}
            ),
        )

    @patch(
        "/{upload_id:uuid}/data",
        status_code=204,
        request_max_body_size=STREAMED,
        responses=TUS_VERSION_MISSING,
    )
    async def append(  # noqa: PLR0913 - the ports, named
        self,
        upload_id: FromPath[UUID],
        request: Request[Any, Any, Any],
        db: Db,
        events: Events,
        blobs: TenantBlobs,
        settings: Settings,
        context: Context,
    ) -> Response[None]:
        """Append the body at ``Upload-Offset`` (409 unless it is the server's offset).

        Stored part by part; the last byte makes the file (``Drive-File-Id``).
        """
        _check_version(request)
        actor = actor_of(context)
        if content_type_of(request.headers.get("content-type")) != _OFFSET_TYPE:
            raise _refuse(415, f"send Content-Type: {_OFFSET_TYPE}")
        offset_header = request.headers.get("upload-offset", "")
        if not offset_header.isdigit():
            raise _refuse(400, "Upload-Offset is required")
        async with db.transaction() as conn:
            row = await _upload(conn, upload_id, actor)
        offset = int(offset_header)
        if offset != row["received"]:
            raise _refuse(409, f"the upload is at offset {row['received']}, not {offset}")
        received, parts = row["received"], row["parts"]
        body = _Splitter(request.stream())
        try:
            received, parts = await self._store_parts(upload_id, row, body, db, blobs)
        except InternalServerException:
            # The client went away mid-part: what it sent before is kept; it resumes at HEAD.
            _log.info("drive_upload_interrupted", upload_id=str(upload_id))
            raise
        if await body.more():
            raise _refuse(413, "the body goes beyond Upload-Length")
        headers = _tus_headers(**{"Upload-Offset": str(received)})
        if received == row["length"]:
            headers["Drive-File-Id"] = str(
                await self._finish(row, parts, db, events, blobs, settings, actor)
            )
        return Response(None, status_code=204, headers=headers)

    @staticmethod
    async def _store_parts(
        upload_id: UUID, row: Mapping[str, Any], body: _Splitter, db: Any, blobs: BlobStore
    ) -> tuple[int, int]:
        """Store the body part by part, moving the offset after each; answer where it is."""
        received, parts = row["received"], row["parts"]
        while received < row["length"] and await body.more():
            size = min(PART_BYTES, row["length"] - received)
            info = await blobs.put(
                _part_key(upload_id, parts), body.take(size), content_type=_OFFSET_TYPE
            )
            async with db.transaction() as conn:
                moved = await conn.execute(
                    "update drive_upload set received = received + $2, parts = parts + 1 "
                    "where id = $1 and received = $3 and parts = $4",
                    upload_id,
                    info.size,
                    received,
                    parts,
                )
                if moved == "UPDATE 0":
                    conflict("another request appended to this upload meanwhile")
            received, parts = received + info.size, parts + 1
        return received, parts

    @staticmethod
    async def _finish(  # noqa: PLR0913 - the upload and the ports, named
        row: Mapping[str, Any],
        parts: int,
        db: Any,
        events: Any,
        blobs: BlobStore,
        settings: DriveSettings,
        actor: str,
    ) -> UUID:
        """Stream the parts into the file's object, record the file, let the parts go."""
        saved = await save_file(
            db=db,
            events=events,
            blobs=blobs,
            settings=settings,
            actor=actor,
            drive_id=row["drive_id"],
            parent_id=row["parent_id"],
            name=row["name"],
            content_type=row["content_type"],
            chunks=_parts(blobs, row["id"], parts),
        )
        async with db.transaction() as conn:
            await conn.execute(
                "update drive_upload set file_id = $2 where id = $1", row["id"], saved["id"]
            )
            for number in range(parts):
                await orphan(conn, _part_key(row["id"], number))
            await conn.execute("delete from drive_upload where id = $1", row["id"])
        file_id: UUID = saved["id"]
        return file_id

    @delete("/{upload_id:uuid}/data", status_code=204, responses=TUS_VERSION_MISSING)
    async def terminate(
        self, upload_id: FromPath[UUID], request: Request[Any, Any, Any], db: Db, context: Context
    ) -> Response[None]:
        """Drop an unfinished upload (tus termination); its parts are let go."""
        _check_version(request)
        async with db.transaction() as conn:
            row = await _upload(conn, upload_id, actor_of(context))
            for number in range(row["parts"]):
                await orphan(conn, _part_key(upload_id, number))
            await conn.execute("delete from drive_upload where id = $1", upload_id)
        return Response(None, status_code=204, headers=_tus_headers())
