"""Messages (list, search, read, mark, move), attachments and threads."""

from __future__ import annotations

from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Response, get, patch
from litestar.params import FromPath, FromQuery, QueryParameter
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Limit,
    Page,
    TenantBlobs,
    content_disposition,
    not_found,
    route_opt,
)

from nexus_mail._examples import body
from nexus_mail._keys import MESSAGES_READ, MESSAGES_WRITE
from nexus_mail._messages import (
    MessageOut,
    MessageSummary,
    ThreadOut,
    list_messages,
    load_message,
    thread_messages,
)

__all__ = ("MessageChange", "MessageController", "ThreadSummary")

Search = Annotated[
    str | None,
    QueryParameter(max_length=500, description="Full-text search (web search syntax)."),
]


class MessageChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Mark a message seen or unseen, or move it to another folder of its mailbox."""

    seen: bool | None = None
    folder_id: UUID | None = None


class ThreadSummary(msgspec.Struct, kw_only=True):
    """A thread in a list."""

    id: UUID
    mailbox_id: UUID
    subject: str
    messages: int


class MessageController(Controller):
    path = "/"

    @get("/messages", opt=route_opt(permission=MESSAGES_READ))
    async def list_all(
        self,
        db: Db,
        mailbox_id: FromQuery[UUID | None] = None,
        folder_id: FromQuery[UUID | None] = None,
        thread_id: FromQuery[UUID | None] = None,
        q: Search = None,
        cursor: Cursor = None,
        limit: Limit = 50,
    ) -> Page[MessageSummary]:
        """Messages of a mailbox, folder or thread; ``q`` searches subject, sender and text."""
        filters: dict[str, Any] = {
            name: value
            for name, value in (
                ("mailbox_id", mailbox_id),
                ("folder_id", folder_id),
                ("thread_id", thread_id),
            )
            if value is not None
        }
        async with db.transaction() as conn:
            return await list_messages(
                conn,
                filters=filters,
                q=q.replace("\x00", "") if q else None,
                cursor=cursor,
                limit=limit,
            )

    @get("/messages/{message_id:uuid}", opt=route_opt(permission=MESSAGES_READ))
    async def show(self, db: Db, message_id: FromPath[UUID]) -> MessageOut:
        """One message with bodies, headers, checks and attachments; another tenant's: 404."""
        async with db.transaction() as conn:
            return await load_message(conn, message_id)

    @patch("/messages/{message_id:uuid}", opt=route_opt(permission=MESSAGES_WRITE))
    async def change(
        self,
        db: Db,
        message_id: FromPath[UUID],
        data: Annotated[MessageChange, body("PATCH /messages/{message_id}", "Seen")],
    ) -> MessageOut:
        """Mark seen/unseen or move to another folder of the same mailbox."""
        async with db.transaction() as conn:
            current = await load_message(conn, message_id)
            if data.folder_id is not None:
                owner = await conn.fetchval(
                    "select mailbox_id from mail_folder where id = $1", data.folder_id
                )
                if owner != current.mailbox_id:
                    not_found()
            await conn.execute(
                "update mail_message set seen = coalesce($2, seen), "
                "folder_id = coalesce($3, folder_id) where id = $1",
                message_id,
                data.seen,
                data.folder_id,
            )
            return await load_message(conn, message_id)

    @get(
        "/attachments/{attachment_id:uuid}",
        opt=route_opt(permission=MESSAGES_READ),
        media_type="application/octet-stream",
    )
    async def attachment(
        self, db: Db, blobs: TenantBlobs, attachment_id: FromPath[UUID]
    ) -> Response[bytes]:
        """Download an attachment (its own media type and file name)."""
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "select filename, content_type, key from mail_attachment where id = $1",
                attachment_id,
            )
        if row is None:
            not_found()
        try:
            content = await blobs.get(row["key"])
        except KeyError:
            not_found()
        name = str(row["filename"]).replace('"', "")
        return Response(
            content,
            media_type=row["content_type"],
            headers={"Content-Disposition": content_disposition(name)},
        )

    @get("/threads", opt=route_opt(permission=MESSAGES_READ))
    async def threads(
        self, db: Db, mailbox_id: FromQuery[UUID | None] = None, limit: Limit = 50
    ) -> list[ThreadSummary]:
        """Threads, the most recently active first."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select t.id, t.mailbox_id, t.subject, count(m.id)::int as messages "
                "from mail_thread t join mail_message m on m.thread_id = t.id "
                "where $1::uuid is null or t.mailbox_id = $1 "
                "group by t.id, t.mailbox_id, t.subject, t.last_at "
                "order by t.last_at desc, t.id desc limit $2",
                mailbox_id,
                limit,
            )
        return [msgspec.convert(dict(row), ThreadSummary) for row in rows]

    @get("/threads/{thread_id:uuid}", opt=route_opt(permission=MESSAGES_READ))
    async def thread(self, db: Db, thread_id: FromPath[UUID]) -> ThreadOut:
        """A thread and its messages, oldest first."""
        async with db.transaction() as conn:
            return await thread_messages(conn, thread_id)
