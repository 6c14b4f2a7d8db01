"""What hangs on a task: its checklist, comments and attachments (in the tenant's file store)."""

from __future__ import annotations

import base64
import binascii
from datetime import datetime
from typing import Annotated, Any, TypeVar
from uuid import UUID

import msgspec
from litestar import Controller, Response, delete, get, patch, post
from litestar.exceptions import ClientException
from litestar.params import FromPath
from nexus_hookspecs import BlobTooLargeError, new_id
from nexus_hookspecs.http import (
    Context,
    Db,
    Multiline,
    TenantBlobs,
    content_disposition,
    invalid,
    not_found,
    route_opt,
)

from nexus_projects._examples import body
from nexus_projects._keys import TASKS_READ, TASKS_WRITE
from nexus_projects._tasks import load_task

__all__ = ("TaskItemController",)

MAX_ATTACHMENT = 10 * 1024 * 1024
"""Largest attachment accepted, in bytes (413 past it)."""

_Text = Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
_FILENAME = r'^[^/\\"\x00-\x1f]{1,200}$'


class ChecklistItemOut(msgspec.Struct, kw_only=True):
    """A checklist line of a task."""

    id: UUID
    task_id: UUID
    text: str
    done: bool
    position: int


class ChecklistItemIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A checklist line appended to the task's list."""

    text: _Text
    done: bool = False


class ChecklistItemPatch(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Tick a line (or untick it), or reword it."""

    text: _Text | msgspec.UnsetType = msgspec.UNSET
    done: bool | msgspec.UnsetType = msgspec.UNSET


class CommentOut(msgspec.Struct, kw_only=True):
    """A comment on a task (``author``: the user or API key that wrote it)."""

    id: UUID
    task_id: UUID
    author: str | None
    body: str
    created_at: datetime


class CommentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A comment."""

    body: Annotated[Multiline, msgspec.Meta(min_length=1, max_length=20_000)]


class AttachmentOut(msgspec.Struct, kw_only=True):
    """A file attached to a task (download it from ``/attachments/{id}``)."""

    id: UUID
    task_id: UUID
    filename: str
    content_type: str
    size: int
    created_at: datetime


class AttachmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A file, its bytes in base64 (at most 10 MiB decoded)."""

    filename: Annotated[str, msgspec.Meta(pattern=_FILENAME)]
    content_type: Annotated[str, msgspec.Meta(max_length=100, pattern=r"^[a-z]+/[a-z0-9.+-]+$")] = (
        "application/octet-stream"
    )
    content_base64: Annotated[str, msgspec.Meta(min_length=1, max_length=14_000_000)]


T = TypeVar("T")

_ITEM = "id, task_id, text, done, position"
_COMMENT = "id, task_id, author, body, created_at"
_ATTACHMENT = "id, task_id, filename, content_type, size, created_at"


def _convert(row: Any, kind: type[T]) -> T:
    return msgspec.convert(dict(row), kind)


class TaskItemController(Controller):
    """Checklists, comments and attachments of tasks."""

    path = "/"

    @get("/tasks/{task_id:uuid}/checklist", opt=route_opt(permission=TASKS_READ))
    async def checklist(self, db: Db, task_id: FromPath[UUID]) -> list[ChecklistItemOut]:
        """The task's checklist, in order."""
        async with db.transaction() as conn:
            await load_task(conn, task_id)
            rows = await conn.fetch(
                f"select {_ITEM} from projects_checklist_item where task_id = $1 "  # noqa: S608
                "order by position, id",
                task_id,
            )
        return [_convert(row, ChecklistItemOut) for row in rows]

    @post("/tasks/{task_id:uuid}/checklist", opt=route_opt(permission=TASKS_WRITE))
    async def add_item(
        self,
        db: Db,
        task_id: FromPath[UUID],
        data: Annotated[
            ChecklistItemIn, body("POST /tasks/{task_id}/checklist", "A checklist line")
        ],
    ) -> ChecklistItemOut:
        """Append a line to the task's checklist."""
        async with db.transaction() as conn:
            await load_task(conn, task_id, lock=True)
            row = await conn.fetchrow(
                "insert into projects_checklist_item (id, task_id, text, done, position) values "
                "($1, $2, $3, $4, (select coalesce(max(position) + 1, 0) from "
                f"projects_checklist_item where task_id = $2)) returning {_ITEM}",
                new_id(),
                task_id,
                data.text,
                data.done,
            )
        return _convert(row, ChecklistItemOut)

    @patch("/checklist-items/{item_id:uuid}", opt=route_opt(permission=TASKS_WRITE))
    async def change_item(
        self,
        db: Db,
        item_id: FromPath[UUID],
        data: Annotated[
            ChecklistItemPatch, body("PATCH /checklist-items/{item_id}", "Tick a line")
        ],
    ) -> ChecklistItemOut:
        """Tick, untick or reword a checklist line."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update projects_checklist_item set text = coalesce($2, text), "
                f"done = coalesce($3, done) where id = $1 returning {_ITEM}",
                item_id,
                None if data.text is msgspec.UNSET else data.text,
                None if data.done is msgspec.UNSET else data.done,
            )
        if row is None:
            not_found()
        return _convert(row, ChecklistItemOut)

    @delete("/checklist-items/{item_id:uuid}", opt=route_opt(permission=TASKS_WRITE))
    async def remove_item(self, db: Db, item_id: FromPath[UUID]) -> None:
        """Delete a checklist line."""
        async with db.transaction() as conn:
            found = await conn.fetchval(
                "delete from projects_checklist_item where id = $1 returning id", item_id
            )
        if found is None:
            not_found()

    @get("/tasks/{task_id:uuid}/comments", opt=route_opt(permission=TASKS_READ))
    async def comments(self, db: Db, task_id: FromPath[UUID]) -> list[CommentOut]:
        """The task's comments, oldest first."""
        async with db.transaction() as conn:
            await load_task(conn, task_id)
            rows = await conn.fetch(
                f"select {_COMMENT} from projects_comment where task_id = $1 order by id",  # noqa: S608
                task_id,
            )
        return [_convert(row, CommentOut) for row in rows]

    @post("/tasks/{task_id:uuid}/comments", opt=route_opt(permission=TASKS_WRITE))
    async def comment(
        self,
        db: Db,
        context: Context,
        task_id: FromPath[UUID],
        data: Annotated[CommentIn, body("POST /tasks/{task_id}/comments", "A comment")],
    ) -> CommentOut:
        """Comment on a task, as the caller."""
        async with db.transaction() as conn:
            await load_task(conn, task_id)
            row = await conn.fetchrow(
                "insert into projects_comment (id, task_id, author, body) values ($1, $2, $3, "
                f"$4) returning {_COMMENT}",
                new_id(),
                task_id,
                context.actor,
                data.body,
            )
        return _convert(row, CommentOut)

    @get("/tasks/{task_id:uuid}/attachments", opt=route_opt(permission=TASKS_READ))
    async def attachments(self, db: Db, task_id: FromPath[UUID]) -> list[AttachmentOut]:
        """The task's attachments, oldest first."""
        async with db.transaction() as conn:
            await load_task(conn, task_id)
            rows = await conn.fetch(
                f"select {_ATTACHMENT} from projects_attachment where task_id = $1 order by id",  # noqa: S608
                task_id,
            )
        return [_convert(row, AttachmentOut) for row in rows]

    @post("/tasks/{task_id:uuid}/attachments", opt=route_opt(permission=TASKS_WRITE))
    async def attach(
        self,
        db: Db,
        blobs: TenantBlobs,
        task_id: FromPath[UUID],
        data: Annotated[
            AttachmentIn, body("POST /tasks/{task_id}/attachments", "A small text file")
        ],
    ) -> AttachmentOut:
        """Attach a file to a task: stored in the tenant's file store (413 past 10 MiB)."""
        try:
            raw = base64.b64decode(data.content_base64, validate=True)
        except (binascii.Error, ValueError):
            invalid("content_base64", "not base64")
        if len(raw) > MAX_ATTACHMENT:
            raise ClientException("the file is larger than 10 MiB", status_code=413)
        async with db.transaction() as conn:
            await load_task(conn, task_id)
        attachment_id = new_id()
        key = f"projects/tasks/{task_id}/{attachment_id}"
        try:
            await blobs.put(key, raw, content_type=data.content_type)
        except BlobTooLargeError as exc:
            raise ClientException(str(exc), status_code=413) from None
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "insert into projects_attachment (id, task_id, filename, content_type, size, "
                f"blob_key) select $1, id, $3, $4, $5, $6 from projects_task where id = $2 "
                f"returning {_ATTACHMENT}",
                attachment_id,
                task_id,
                data.filename,
                data.content_type,
                len(raw),
                key,
            )
        if row is None:  # the task was deleted meanwhile
            await blobs.delete(key)
            not_found()
        return _convert(row, AttachmentOut)

    @get("/attachments/{attachment_id:uuid}", opt=route_opt(permission=TASKS_READ))
    async def download(
        self, db: Db, blobs: TenantBlobs, attachment_id: FromPath[UUID]
    ) -> Response[bytes]:
        """The attachment's bytes, with its media type and file name."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select filename, content_type, blob_key from projects_attachment where id = $1",
                attachment_id,
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
            headers={"Content-Disposition": content_disposition(row["filename"])},
        )

    @delete("/attachments/{attachment_id:uuid}", opt=route_opt(permission=TASKS_WRITE))
    async def remove_attachment(
        self, db: Db, blobs: TenantBlobs, attachment_id: FromPath[UUID]
    ) -> None:
        """Delete an attachment and its file."""
        async with db.transaction() as conn:
            key = await conn.fetchval(
                "delete from projects_attachment where id = $1 returning blob_key", attachment_id
            )
        if key is None:
            not_found()
        await blobs.delete(key)
