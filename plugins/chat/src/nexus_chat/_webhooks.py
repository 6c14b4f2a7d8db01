"""Incoming webhooks: a bot (a CI job, the AI assistant) posts into a channel.

A channel admin creates one (``POST /channels/{id}/webhooks``) and gets its secret once; the
bot posts ``{"body"}`` to ``POST /public/{tenant}/hooks/{hook_id}`` with
``Authorization: Bearer <secret>``. The message's author is ``bot:<name>``; it is published
(``chat.message.posted.v1``) and delivered live like any other. A wrong secret or an
unknown hook answers 404.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import Annotated
from uuid import UUID  # noqa: TC003 - Litestar reads the annotations

import msgspec
from litestar import post
from litestar.params import FromPath, HeaderParameter
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Context, Db, Events, Services, not_found, route_opt

from nexus_chat import _store as store
from nexus_chat._attachments import check_attachments
from nexus_chat._examples import body
from nexus_chat._keys import ADMIN
from nexus_chat._model import MessageIn, MessageOut
from nexus_chat._notes import announce, posted_event

__all__ = ("create_webhook", "incoming")


class HookIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(min_length=1, max_length=80, pattern=r"^[a-z0-9-]+$")]


class HookOut(msgspec.Struct, kw_only=True):
    """The new webhook; ``secret`` is shown this once."""

    id: UUID
    channel_id: UUID
    name: str
    secret: str


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@post("/channels/{channel_id:uuid}/webhooks", opt=route_opt(permission=ADMIN), status_code=201)
async def create_webhook(
    db: Db,
    context: Context,
    channel_id: FromPath[UUID],
    data: Annotated[HookIn, body("POST /channels/{channel_id}/webhooks", "A bot")],
) -> HookOut:
    """Create an incoming webhook for a channel the caller sees; its secret is shown once."""
    actor = context.actor or ""
    secret = secrets.token_urlsafe(32)
    hook_id = new_id()
    async with db.transaction() as conn:
        await store.visible_channel(conn, channel_id, actor)
        await conn.execute(
            "insert into chat_webhook (id, channel_id, name, secret_hash, created_by) "
            "values ($1, $2, $3, $4, $5)",
            hook_id,
            channel_id,
            data.name,
            _hash(secret),
            actor,
        )
    return HookOut(id=hook_id, channel_id=channel_id, name=data.name, secret=secret)


@post("/public/{tenant:str}/hooks/{hook_id:uuid}", opt=route_opt(access="visitor"), status_code=201)
async def incoming(
    tenant: FromPath[str],
    hook_id: FromPath[UUID],
    db: Db,
    context: Context,
    events: Events,
    services: Services,
    authorization: Annotated[str, HeaderParameter(name="Authorization", max_length=200)],
    data: Annotated[MessageIn, body("POST /public/{tenant}/hooks/{hook_id}", "A bot's news")],
) -> MessageOut:
    """A bot posts into the webhook's channel (``Authorization: Bearer <secret>``)."""
    del tenant  # the kernel has resolved it: the transaction below is that tenant's
    given = authorization.removeprefix("Bearer ").strip()
    async with db.transaction() as conn:
        hook = await conn.fetchrow(
            "select channel_id, name, secret_hash, created_by from chat_webhook where id = $1",
            hook_id,
        )
        if hook is None or not hmac.compare_digest(hook["secret_hash"], _hash(given)):
            not_found()
        # As its creator sees it: a private channel's bot posts there for a member.
        channel = await store.visible_channel(conn, hook["channel_id"], hook["created_by"])
        author = f"bot:{hook['name']}"
        await check_attachments(conn, services, data.attachments)
        message = await store.post(
            conn, channel.id, author, data.body, data.thread_id, data.attachments
        )
        await posted_event(conn, events, message)
    await announce(context.tenant_id, "message", channel, message)
    return message
