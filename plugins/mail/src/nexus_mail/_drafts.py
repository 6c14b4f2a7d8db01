"""Drafts: write, change, and turn one into an outgoing message."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs.http import conflict, not_found

from nexus_mail._mailboxes import load_mailbox
from nexus_mail._outbound import Outgoing
from nexus_mail._store import NewMessage, store_message

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("change_draft", "create_draft", "draft_outgoing", "load_draft")


async def create_draft(conn: Connection, *, mailbox_id: UUID, fields: dict[str, Any]) -> UUID:
    """Keep a draft in the mailbox's Drafts folder, sent from the mailbox's address."""
    mailbox = await load_mailbox(conn, mailbox_id)
    references = list(fields.get("references") or [])
    message_id, _ = await store_message(
        conn,
        NewMessage(
            mailbox_id=mailbox_id,
            folder_role="drafts",
            direction="out",
            state="draft",
            rfc_message_id="",
            from_address=mailbox.address,
            from_name=mailbox.display_name,
            to=[a.lower() for a in fields.get("to") or []],
            cc=[a.lower() for a in fields.get("cc") or []],
            subject=fields.get("subject") or "",
            text=fields.get("text") or "",
            html=fields.get("html"),
            in_reply_to=fields.get("in_reply_to"),
            references=references,
            seen=True,
        ),
    )
    return message_id


async def load_draft(conn: Connection, message_id: UUID) -> Any:
    """The draft's row; 404 when missing, 409 when it is no longer a draft."""
    row = await conn.fetchrow(
        "select id, state, mailbox_id, from_address, from_name, to_addresses, cc_addresses, "
        "subject, text_body, html_body, in_reply_to, refs from mail_message where id = $1",
        message_id,
    )
    if row is None:
        not_found()
    if row["state"] != "draft":
        conflict("the message is not a draft")
    return row


async def change_draft(conn: Connection, message_id: UUID, fields: dict[str, Any]) -> None:
    """Change the fields given (``None`` leaves a field as it is)."""
    await load_draft(conn, message_id)
    columns = {
        "to": "to_addresses",
        "cc": "cc_addresses",
        "subject": "subject",
        "text": "text_body",
        "html": "html_body",
    }
    for name, column in columns.items():
        value = fields.get(name)
        if value is None:
            continue
        if name in ("to", "cc"):
            value = [a.lower() for a in value]
        await conn.execute(
            f"update mail_message set {column} = $2 where id = $1", message_id, value
        )


async def draft_outgoing(conn: Connection, message_id: UUID) -> Outgoing:
    """The draft as a message to send; 409 without a recipient."""
    row = await load_draft(conn, message_id)
    if not row["to_addresses"] and not row["cc_addresses"]:
        conflict("the draft has no recipient")
    headers = {}
    if row["in_reply_to"]:
        headers["In-Reply-To"] = row["in_reply_to"]
    if row["refs"]:
        headers["References"] = " ".join(row["refs"])
    return Outgoing(
        from_address=row["from_address"],
        from_name=row["from_name"],
        to=list(row["to_addresses"]),
        cc=list(row["cc_addresses"]),
        subject=row["subject"],
        text=row["text_body"],
        html=row["html_body"],
        headers=headers,
    )
