"""Reading messages and threads: the shapes the API shows, and their queries."""

from __future__ import annotations

import json
from datetime import datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs.http import BY_ID, Page, not_found

from nexus_mail._store import attachment_key

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "AttachmentOut",
    "MessageOut",
    "MessageSummary",
    "ThreadOut",
    "list_messages",
    "load_message",
    "thread_messages",
)

_SUMMARY = (
    "m.id, m.mailbox_id, m.folder_id, m.thread_id, m.direction, m.state, m.rfc_message_id, "
    "m.from_address, m.from_name, m.to_addresses, m.cc_addresses, m.subject, m.seen, m.at"
)


class AttachmentOut(msgspec.Struct, kw_only=True):
    """An attachment: download it at ``GET /attachments/{id}``."""

    id: UUID
    key: str
    filename: str
    content_type: str
    size: int


class MessageSummary(msgspec.Struct, kw_only=True):
    """A message in a list."""

    id: UUID
    mailbox_id: UUID
    folder_id: UUID
    thread_id: UUID
    direction: str
    state: str
    rfc_message_id: str
    from_address: str
    from_name: str | None
    to: list[str]
    cc: list[str]
    subject: str
    seen: bool
    at: datetime


class MessageOut(MessageSummary, kw_only=True):
    """A whole message: bodies, threading headers, sender checks, attachments."""

    text: str
    html: str | None
    in_reply_to: str | None
    references: list[str]
    auth: dict[str, str] | None
    delivery_ref: str | None
    error: str | None
    attachments: list[AttachmentOut]


class ThreadOut(msgspec.Struct, kw_only=True):
    """A conversation and its messages, oldest first."""

    id: UUID
    mailbox_id: UUID
    subject: str
    last_at: datetime
    messages: list[MessageSummary]


def _summary(row: Any) -> dict[str, Any]:
    found = dict(row)
    found["to"] = list(found.pop("to_addresses"))
    found["cc"] = list(found.pop("cc_addresses"))
    return found


async def list_messages(
    conn: Connection, *, filters: dict[str, Any], q: str | None, cursor: str | None, limit: int
) -> Page[MessageSummary]:
    """Messages matching ``filters`` (column → value) and the search ``q``, oldest first."""
    args: list[Any] = []
    where = []
    for column, value in filters.items():
        args.append(value)
        where.append(f"m.{column} = ${len(args)}")
    if q:
        args.append(q)
        where.append(f"m.search @@ websearch_to_tsquery('simple', ${len(args)})")
    inner = f"select {_SUMMARY} from mail_message m" + (
        " where " + " and ".join(where) if where else ""
    )
    rows = await conn.fetch(BY_ID.sql(inner, args, cursor, limit), *args)
    return BY_ID.page(rows, limit, lambda row: msgspec.convert(_summary(row), MessageSummary))


async def load_message(conn: Connection, message_id: UUID) -> MessageOut:
    """One message with its attachments, or 404."""
    row = await conn.fetchrow(
        f"select {_SUMMARY}, m.text_body as text, m.html_body as html, m.in_reply_to, "
        "m.refs as references, m.auth, m.delivery_ref, m.error from mail_message m "
        "where m.id = $1",
        message_id,
    )
    if row is None:
        not_found()
    found = _summary(row)
    found["references"] = list(found["references"])
    found["auth"] = json.loads(found["auth"]) if found["auth"] else None
    attachments = await conn.fetch(
        "select id, filename, content_type, size from mail_attachment where message_id = $1 "
        "order by id",
        message_id,
    )
    found["attachments"] = [{**dict(a), "key": attachment_key(a["id"])} for a in attachments]
    return msgspec.convert(found, MessageOut)


async def thread_messages(conn: Connection, thread_id: UUID) -> ThreadOut:
    """A thread with its messages, or 404."""
    row = await conn.fetchrow(
        "select id, mailbox_id, subject, last_at from mail_thread where id = $1", thread_id
    )
    if row is None:
        not_found()
    rows = await conn.fetch(
        f"select {_SUMMARY} from mail_message m where m.thread_id = $1 order by m.at, m.id",
        thread_id,
    )
    return ThreadOut(
        id=row["id"],
        mailbox_id=row["mailbox_id"],
        subject=row["subject"],
        last_at=row["last_at"],
        messages=[msgspec.convert(_summary(r), MessageSummary) for r in rows],
    )
