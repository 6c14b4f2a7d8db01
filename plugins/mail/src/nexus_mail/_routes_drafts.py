"""Drafts of a mailbox: write, change, delete, send."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import msgspec
from litestar import Controller, delete, patch, post
from litestar.params import FromPath
from nexus_hookspecs.http import Db, Events, Multiline, TenantSettings, route_opt

from nexus_mail._drafts import change_draft, create_draft, draft_outgoing, load_draft
from nexus_mail._examples import body
from nexus_mail._keys import MESSAGES_SEND, MESSAGES_WRITE
from nexus_mail._messages import MessageOut, load_message
from nexus_mail._send import send_mail
from nexus_mail._settings import MailSettings

__all__ = ("DraftChange", "DraftController", "DraftCreate", "SendRequest")

Email = Annotated[
    str, msgspec.Meta(max_length=254, pattern=r"^[^@\s<>,;]{1,64}@[A-Za-z0-9.-]{1,253}$")
]
Recipients = Annotated[list[Email], msgspec.Meta(max_length=100)]
Subject = Annotated[str, msgspec.Meta(max_length=998)]
MessageIdHeader = Annotated[str, msgspec.Meta(max_length=998, pattern=r"^<[^<>\s]+>$")]
Text = Annotated[Multiline, msgspec.Meta(max_length=1_000_000)]


class DraftCreate(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new draft; ``in_reply_to``/``references`` make it a reply in a thread."""

    to: Recipients = msgspec.field(default_factory=list)
    cc: Recipients = msgspec.field(default_factory=list)
    subject: Subject = ""
    text: Text = ""
    html: Text | None = None
    in_reply_to: MessageIdHeader | None = None
    references: Annotated[list[MessageIdHeader], msgspec.Meta(max_length=100)] = msgspec.field(
        default_factory=list
    )


class DraftChange(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Fields of a draft to change; those left out stay."""

    to: Recipients | None = None
    cc: Recipients | None = None
    subject: Subject | None = None
    text: Text | None = None
    html: Text | None = None


class SendRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Send the draft (no fields)."""


class DraftController(Controller):
    path = "/"

    @post("/mailboxes/{mailbox_id:uuid}/drafts", opt=route_opt(permission=MESSAGES_WRITE))
    async def create(
        self,
        db: Db,
        mailbox_id: FromPath[UUID],
        data: Annotated[DraftCreate, body("POST /mailboxes/{mailbox_id}/drafts", "A draft")],
    ) -> MessageOut:
        """Write a draft in the mailbox's Drafts folder."""
        async with db.transaction() as conn:
            message_id = await create_draft(
                conn, mailbox_id=mailbox_id, fields=msgspec.structs.asdict(data)
            )
            return await load_message(conn, message_id)

    @patch("/drafts/{message_id:uuid}", opt=route_opt(permission=MESSAGES_WRITE))
    async def change(
        self,
        db: Db,
        message_id: FromPath[UUID],
        data: Annotated[DraftChange, body("PATCH /drafts/{message_id}", "A new subject")],
    ) -> MessageOut:
        """Change a draft; 409 once it was sent."""
        async with db.transaction() as conn:
            await change_draft(conn, message_id, msgspec.structs.asdict(data))
            return await load_message(conn, message_id)

    @delete("/drafts/{message_id:uuid}", opt=route_opt(permission=MESSAGES_WRITE))
    async def discard(self, db: Db, message_id: FromPath[UUID]) -> None:
        """Delete a draft; 409 once it was sent."""
        async with db.transaction() as conn:
            await load_draft(conn, message_id)
            await conn.execute("delete from mail_message where id = $1", message_id)

    @post(
        "/drafts/{message_id:uuid}/send", status_code=200, opt=route_opt(permission=MESSAGES_SEND)
    )
    async def send(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[MailSettings],
        message_id: FromPath[UUID],
        data: Annotated[SendRequest, body("POST /drafts/{message_id}/send", "Send")],
    ) -> MessageOut:
        """DKIM-sign the draft with its domain's key and relay it; it moves to Sent.

        The answer's ``state`` is ``sent``, or ``failed`` with the ``error`` (also
        published as ``mail.outbound.failed.v1``).
        """
        del data
        async with db.transaction() as conn:
            out = await draft_outgoing(conn, message_id)
            await send_mail(conn, events, out, settings=settings, draft_id=message_id)
            return await load_message(conn, message_id)
