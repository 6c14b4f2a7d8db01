"""Outgoing webhooks: each new message of a channel is POSTed, signed, to a bot's URL.

A channel admin adds one (``POST /channels/{id}/outgoing-webhooks`` with ``url``) and gets
its ``secret`` once. The handler of ``chat.message.posted.v1`` POSTs the event's data as
JSON with ``X-Chat-Timestamp`` (Unix seconds), ``X-Chat-Signature``
(``sha256=`` + hex HMAC-SHA256 of ``<timestamp>.<body>`` keyed by the secret) and
``X-Chat-Delivery`` (``<message id>:<webhook id>``, the same on every retry: dedupe on it).
A delivery is tried 3 times (transport error, 429 or 5xx); still failing, the handler fails
and the event worker retries the event later with backoff.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import secrets
import time
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import httpx
import msgspec
import structlog
from litestar import delete, get, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import Context, Db, invalid, not_found, route_opt
from nexus_hookspecs.net import RefusedURL, check_public_url

from nexus_chat import _store as store
from nexus_chat._examples import body
from nexus_chat._keys import ADMIN
from nexus_chat._secrets import KEYS_VARIABLE, decrypt, encrypt

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = (
    "create_outgoing",
    "delete_outgoing",
    "deliver_outgoing",
    "list_outgoing",
    "sign",
)

log = structlog.get_logger("nexus_chat")
ATTEMPTS = 3
# Set to 1, any address is allowed (local development, tests against a local receiver).
ALLOW_PRIVATE_URLS = "NEXUS_CHAT_ALLOW_PRIVATE_URLS"
_PAUSES = (0.2, 1.0)


class OutgoingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    url: Annotated[str, msgspec.Meta(min_length=8, max_length=2000, pattern=r"^https?://")]


class OutgoingOut(msgspec.Struct, kw_only=True):
    """The new outgoing webhook; ``secret`` (the signing key) is shown this once."""

    id: UUID
    channel_id: UUID
    url: str
    secret: str


def sign(secret: str, timestamp: int, payload: bytes) -> str:
    """``sha256=`` + the hex HMAC-SHA256 of ``<timestamp>.<payload>`` keyed by ``secret``."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + payload, hashlib.sha256)
    return f"sha256={mac.hexdigest()}"


@post(
    "/channels/{channel_id:uuid}/outgoing-webhooks",
    opt=route_opt(permission=ADMIN),
    status_code=201,
)
async def create_outgoing(
    db: Db,
    context: Context,
    channel_id: FromPath[UUID],
    data: Annotated[OutgoingIn, body("POST /channels/{channel_id}/outgoing-webhooks", "A bot")],
) -> OutgoingOut:
    """Send the channel's new messages to ``url``, signed; the secret is shown once."""
    try:
        await check_public_url(data.url, allow_variable=ALLOW_PRIVATE_URLS)
    except RefusedURL as exc:
        invalid("url", str(exc))
    actor = context.actor or ""
    secret = secrets.token_urlsafe(32)
    sealed = encrypt(secret)  # 409 naming NEXUS_CHAT_KEYS when no key is configured
    hook_id = new_id()
    async with db.transaction() as conn:
        await store.visible_channel(conn, channel_id, actor)
        await conn.execute(
            "insert into chat_outgoing (id, channel_id, url, secret, created_by) "
            "values ($1, $2, $3, $4, $5)",
            hook_id,
            channel_id,
            data.url,
            sealed,
            actor,
        )
    return OutgoingOut(id=hook_id, channel_id=channel_id, url=data.url, secret=secret)


class OutgoingListed(msgspec.Struct, kw_only=True):
    """An outgoing webhook as listed (its secret is never shown again)."""

    id: UUID
    channel_id: UUID
    url: str
    created_by: str


@get("/channels/{channel_id:uuid}/outgoing-webhooks", opt=route_opt(permission=ADMIN))
async def list_outgoing(
    db: Db, context: Context, channel_id: FromPath[UUID]
) -> list[OutgoingListed]:
    """The channel's outgoing webhooks (without their secrets)."""
    async with db.transaction() as conn:
        await store.visible_channel(conn, channel_id, context.actor or "")
        rows = await conn.fetch(
            "select id, channel_id, url, created_by from chat_outgoing "
            "where channel_id = $1 order by id",
            channel_id,
        )
    return [msgspec.convert(dict(row), OutgoingListed) for row in rows]


@delete("/outgoing-webhooks/{hook_id:uuid}", opt=route_opt(permission=ADMIN), status_code=204)
async def delete_outgoing(db: Db, context: Context, hook_id: FromPath[UUID]) -> None:
    """Stop sending a channel's messages to this webhook."""
    async with db.transaction() as conn:
        channel_id = await conn.fetchval(
            "select channel_id from chat_outgoing where id = $1", hook_id
        )
        if channel_id is None:
            not_found()
        await store.visible_channel(conn, channel_id, context.actor or "")
        await conn.execute("delete from chat_outgoing where id = $1", hook_id)


async def _deliver(
    client: httpx.AsyncClient, hook: Mapping[str, Any], payload: bytes, key: str
) -> bool:
    """POST one delivery with retries; whether it was accepted (or refused for good)."""
    for attempt in range(ATTEMPTS):
        try:
            await check_public_url(hook["url"], allow_variable=ALLOW_PRIVATE_URLS)
            stamp = int(time.time())
            reply = await client.post(
                hook["url"],
                content=payload,
                headers={
                    "Content-Type": "application/json",
                    "X-Chat-Timestamp": str(stamp),
                    "X-Chat-Signature": sign(hook["secret"], stamp, payload),
                    "X-Chat-Delivery": key,
                },
            )
            if reply.status_code < 400:
                return True
            if reply.status_code != 429 and reply.status_code < 500:
                log.warning("outgoing webhook refused", status=reply.status_code, hook=key)
                return True  # the receiver said no: retrying will not change its mind
        except RefusedURL as exc:
            if exc.permanent:
                log.warning("outgoing webhook url refused", reason=str(exc), hook=key)
                return True
        except httpx.TransportError:
            pass
        if attempt < len(_PAUSES):
            await asyncio.sleep(_PAUSES[attempt])
    return False


def _opened(hook: Mapping[str, Any]) -> dict[str, Any]:
    """The hook with its signing secret decrypted (``None`` when no configured key can).

    Without ``NEXUS_CHAT_KEYS`` at all this raises (409): the event is retried later.
    """
    secret: str | None
    try:
        secret = str(decrypt(hook["secret"]))
    except ValueError:
        log.warning(
            "outgoing webhook secret not decryptable", keys=KEYS_VARIABLE, hook=str(hook["id"])
        )
        secret = None
    return {**dict(hook), "secret": secret}


async def deliver_outgoing(event: CloudEvent, ctx: EventContext) -> None:
    """POST a new message to its channel's outgoing webhooks (raise: retry the event later)."""
    data: Mapping[str, Any] = event.data or {}
    hooks = await ctx.conn.fetch(
        "select id, url, secret from chat_outgoing where channel_id = $1 order by id",
        UUID(str(data["channel_id"])),
    )
    if not hooks:
        return
    hooks = [_opened(hook) for hook in hooks]
    payload = msgspec.json.encode({"type": event.type, "id": event.id, "message": data})
    failed = []
    async with httpx.AsyncClient(timeout=10, follow_redirects=False) as client:
        for hook in hooks:
            if hook["secret"] is None:
                continue  # its key was dropped: it can never be signed again
            key = f"{data['id']}:{hook['id']}"
            if not await _deliver(client, hook, payload, key):
                failed.append(key)
    if failed:
        raise RuntimeError(f"outgoing webhooks not delivered: {', '.join(failed)}")
