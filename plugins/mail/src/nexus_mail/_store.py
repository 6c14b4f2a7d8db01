"""Keeping messages: threads by References/In-Reply-To, then subject; attachments."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import BlobTooLargeError, new_id

from nexus_mail._events import AttachmentRef
from nexus_mail._mailboxes import folder_of
from nexus_mail._parse import Part, normal_subject

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nexus_hookspecs import BlobStore, Connection

__all__ = ("NewMessage", "attachment_key", "store_message", "thread_for")

_REPLY = re.compile(r"^\s*(re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:", re.I)


class NewMessage(msgspec.Struct, kw_only=True):
    """A message to keep in a mailbox's folder."""

    mailbox_id: UUID
    folder_role: str
    direction: str
    state: str
    rfc_message_id: str
    from_address: str
    from_name: str | None = None
    to: list[str] = msgspec.field(default_factory=list)
    cc: list[str] = msgspec.field(default_factory=list)
    subject: str = ""
    text: str = ""
    html: str | None = None
    in_reply_to: str | None = None
    references: list[str] = msgspec.field(default_factory=list)
    auth: dict[str, str] | None = None
    delivery_ref: str | None = None
    size: int = 0
    seen: bool = False


def attachment_key(attachment_id: UUID) -> str:
    """The key an attachment is known by (events, the download route)."""
    return f"mail/attachments/{attachment_id}"


async def thread_for(
    conn: Connection,
    *,
    mailbox_id: UUID,
    subject: str,
    ids: list[str],
) -> UUID:
    """The thread a message joins: a referenced message's, a reply's by subject, or a new one."""
    found: Any = None
    if ids:
        found = await conn.fetchval(
            "select thread_id from mail_message where mailbox_id = $1 "
            "and rfc_message_id = any($2::text[]) order by at desc limit 1",
            mailbox_id,
            ids,
        )
    normal = normal_subject(subject)
    if found is None and _REPLY.match(subject) and normal:
        found = await conn.fetchval(
            "select id from mail_thread where mailbox_id = $1 and subject = $2 "
            "and last_at > now() - interval '60 days' order by last_at desc limit 1",
            mailbox_id,
            normal,
        )
    if found is None:
        found = new_id()
        await conn.execute(
            "insert into mail_thread (id, mailbox_id, subject) values ($1, $2, $3)",
            found,
            mailbox_id,
            normal,
        )
    else:
        await conn.execute("update mail_thread set last_at = now() where id = $1", found)
    return UUID(str(found))


async def store_message(
    conn: Connection,
    message: NewMessage,
    attachments: Sequence[Part] = (),
    *,
    blobs: BlobStore | None = None,
    max_attachment_bytes: int = 5_000_000,
) -> tuple[UUID, list[AttachmentRef]]:
    """Keep ``message`` and its attachments; its id and the attachments kept.

    Attachments go to the tenant's files store (``blobs``) under :func:`attachment_key`;
    those larger than ``max_attachment_bytes`` (or than the store accepts) are left out.
    """
    folder_id = await folder_of(conn, message.mailbox_id, message.folder_role)
    ids = [i for i in [message.in_reply_to, *message.references] if i]
    thread_id = await thread_for(
        conn, mailbox_id=message.mailbox_id, subject=message.subject, ids=ids
    )
    message_id = new_id()
    await conn.execute(
        "insert into mail_message (id, mailbox_id, folder_id, thread_id, direction, state, "
        "rfc_message_id, from_address, from_name, to_addresses, cc_addresses, subject, "
        "text_body, html_body, in_reply_to, refs, auth, delivery_ref, size, seen) values "
        "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17::jsonb, "
        "$18, $19, $20)",
        message_id,
        message.mailbox_id,
        folder_id,
        thread_id,
        message.direction,
        message.state,
        message.rfc_message_id,
        message.from_address,
        message.from_name,
        message.to,
        message.cc,
        message.subject,
        message.text.replace("\x00", ""),
        message.html.replace("\x00", "") if message.html else None,
        message.in_reply_to,
        message.references,
        msgspec.json.encode(message.auth).decode() if message.auth else None,
        message.delivery_ref,
        message.size,
        message.seen,
    )
    refs = []
    for part in attachments:
        if blobs is None or len(part.content) > max_attachment_bytes:
            continue
        attachment_id = new_id()
        try:
            await blobs.put(
                attachment_key(attachment_id), part.content, content_type=part.content_type
            )
        except (BlobTooLargeError, ValueError):
            continue
        await conn.execute(
            "insert into mail_attachment (id, message_id, filename, content_type, size, key) "
            "values ($1, $2, $3, $4, $5, $6)",
            attachment_id,
            message_id,
            part.filename,
            part.content_type,
            len(part.content),
            attachment_key(attachment_id),
        )
        refs.append(
            AttachmentRef(
                key=attachment_key(attachment_id),
                filename=part.filename,
                content_type=part.content_type,
                size=len(part.content),
            )
        )
    return message_id, refs
