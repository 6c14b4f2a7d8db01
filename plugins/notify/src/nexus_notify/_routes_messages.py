"""``/messages``: send a message through the API, show one with its deliveries."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import (
    Cursor,
    Db,
    Events,
    Limit,
    Page,
    TenantSettings,
    after_id,
    not_found,
    page_of,
    route_opt,
)

from nexus_notify._channels import json_value
from nexus_notify._examples import body
from nexus_notify._keys import MESSAGES_READ, MESSAGES_SEND
from nexus_notify._models import Attachment, SendRequest
from nexus_notify._send import record
from nexus_notify._settings import NotifySettings

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("MessageController",)


class DeliveryOut(msgspec.Struct, kw_only=True):
    """A delivery: where it went, its state, what the provider said."""

    id: UUID
    channel: str
    address: str | None
    provider: str | None
    state: str
    attempts: int
    status: str | None
    provider_ref: str | None
    error: str | None
    next_attempt_at: datetime | None
    updated_at: datetime


class MessageOut(msgspec.Struct, kw_only=True):
    """A message as rendered, and its deliveries."""

    id: UUID
    category: str
    template: str | None
    template_version: int | None
    locale: str
    subject: str
    text: str
    source_ref: str | None
    attachments: list[Attachment]
    created_at: datetime
    deliveries: list[DeliveryOut]


class MessageSummary(msgspec.Struct, kw_only=True):
    """A message in a list."""

    id: UUID
    category: str
    template: str | None
    subject: str
    source_ref: str | None
    created_at: datetime


async def _message(conn: Connection, message_id: UUID) -> MessageOut:
    row = await conn.fetchrow(
        "select id, category, template, template_version, locale, subject, text, "
        "source_ref, attachments, created_at from notify_message where id = $1",
        message_id,
    )
    if row is None:
        not_found()
    deliveries = await conn.fetch(
        "select id, channel, address, provider, state, attempts, status, provider_ref, "
        "error, next_attempt_at, updated_at from notify_delivery where message_id = $1 "
        "order by id",
        message_id,
    )
    found: dict[str, Any] = dict(row)
    found["attachments"] = json_value(found["attachments"])
    found["deliveries"] = [dict(d) for d in deliveries]
    return msgspec.convert(found, MessageOut)


class MessageController(Controller):
    """Messages of the tenant."""

    path = "/messages"
    tags = ["notify: messages"]

    @post("/", opt=route_opt(permission=MESSAGES_SEND))
    async def send_message(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[NotifySettings],
        data: Annotated[SendRequest, body("POST /messages", "An invoice by email and in-app")],
    ) -> MessageOut:
        """Record a message and queue its deliveries (as the ``notify.send`` service does).

        Sends happen after the commit, in notify's event handler; the answer lists each
        delivery's id and state (``queued``; ``scheduled`` in quiet hours; ``suppressed``
        when unsubscribed; ``failed`` when the recipient has no address for the channel).
        The same ``idempotency_key`` answers the first message again, sending nothing.
        """
        async with db.transaction() as conn:
            result = await record(conn, events, data, settings=settings)
            return await _message(conn, result.message_id)

    @get("/", opt=route_opt(permission=MESSAGES_READ))
    async def list_messages(
        self, db: Db, cursor: Cursor = None, limit: Limit = 50
    ) -> Page[MessageSummary]:
        """Messages, oldest first (``source_ref`` says which record of a plugin sent one)."""
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select id, category, template, subject, source_ref, created_at "
                "from notify_message where ($1::uuid is null or id > $1) order by id limit $2",
                after_id(cursor),
                limit + 1,
            )
        return page_of([msgspec.convert(dict(r), MessageSummary) for r in rows], limit)

    @get("/{message_id:uuid}", opt=route_opt(permission=MESSAGES_READ))
    async def show_message(self, db: Db, message_id: FromPath[UUID]) -> MessageOut:
        """A message with each delivery's state, attempts and provider status."""
        async with db.transaction() as conn:
            return await _message(conn, message_id)
