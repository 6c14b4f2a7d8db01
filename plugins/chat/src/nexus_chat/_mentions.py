"""Mentions notify: each ``@user:<id>`` a new message names hears of it through Notification.

The handler of ``chat.message.posted.v1`` calls notify's ``notify.send`` (category
``chat.mentions``, the in-app feed) once per mentioned user who may read the channel (a
public channel, or a member of a private or direct one), not the author. When Notification
is not installed or is off for the tenant, mentions are skipped silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs.http import ServiceUnavailable

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("CATEGORY", "notify_mentions")

CATEGORY = "chat.mentions"


class _Sent(msgspec.Struct):
    """What chat reads of ``notify.send``'s answer."""

    message_id: UUID


def _users(data: Mapping[str, Any]) -> list[UUID]:
    users = []
    for mention in data.get("mentions") or []:
        kind, _, subject = str(mention).partition(":")
        if kind != "user" or mention == data.get("author"):
            continue
        try:
            users.append(UUID(subject))
        except ValueError:
            continue
    return users


async def notify_mentions(event: CloudEvent, ctx: EventContext) -> None:
    """Send each mentioned user who can read the channel an in-app notification."""
    data: Mapping[str, Any] = event.data or {}
    users = _users(data)
    if not users or not await ctx.services.available(ctx.conn, "notify.send"):
        return
    channel = await ctx.conn.fetchrow(
        "select kind, name from chat_channel where id = $1", UUID(str(data["channel_id"]))
    )
    if channel is None:
        return  # gone since (retention, a deleted channel)
    for user in users:
        if channel["kind"] != "public" and not await ctx.conn.fetchval(
            "select 1 from chat_member where channel_id = $1 and member = $2",
            UUID(str(data["channel_id"])),
            f"user:{user}",
        ):
            continue
        where = f"#{channel['name']}" if channel["name"] else "a direct conversation"
        request = {
            "to": {"user_id": str(user)},
            "category": CATEGORY,
            "subject": f"{data['author']} mentioned you in {where}",
            "text": str(data.get("body") or "")[:4000],
            "data": {"channel_id": str(data["channel_id"]), "message_id": str(data["id"])},
            "channels": ["in_app"],
            "idempotency_key": f"chat.mention:{data['id']}:{user}",
            "source_ref": f"chat.message:{data['id']}",
        }
        try:
            await ctx.services.call(ctx.conn, "notify.send", request, result=_Sent)
        except ServiceUnavailable:
            return
