"""``/feed`` and ``/preferences``: the caller's in-app notifications and choices."""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post, put
from litestar.params import FromPath, FromQuery
from litestar.response import ServerSentEvent, ServerSentEventMessage
from nexus_hookspecs.http import Context, Db, FieldErrors, not_found, route_opt

from nexus_notify._examples import body
from nexus_notify._keys import FEED_READ
from nexus_notify._models import Channel

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator

__all__ = ("FeedController", "caller_user")


def caller_user(actor: str | None) -> UUID:
    """The signed-in user's id (``user:<id>``); 422 for an API key or another caller."""
    kind, _, subject = (actor or "").partition(":")
    try:
        if kind == "user":
            return UUID(subject)
    except ValueError:
        pass
    errors = FieldErrors()
    errors.add(
        "authorization", "the feed and preferences are a signed-in user's own", source="header"
    )
    errors.raise_if_any()
    raise AssertionError  # unreachable: raise_if_any raised


class FeedItem(msgspec.Struct, kw_only=True):
    """An in-app notification."""

    id: UUID
    message_id: UUID
    category: str
    title: str
    body: str
    read_at: datetime | None
    created_at: datetime


class PreferenceIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The channels wanted for a category (empty: none)."""

    channels: Annotated[list[Channel], msgspec.Meta(max_length=4)]


class PreferenceOut(msgspec.Struct, kw_only=True):
    """A category and the channels wanted for it."""

    category: str
    channels: list[str]


_FEED = "select id, message_id, category, title, body, read_at, created_at from notify_feed "


class FeedController(Controller):
    """The caller's own feed and preferences."""

    path = "/"
    tags = ["notify: feed"]
    opt = route_opt(permission=FEED_READ)

    @get("/feed")
    async def list_feed(
        self, db: Db, context: Context, unread: FromQuery[bool] = False, limit: FromQuery[int] = 50
    ) -> list[FeedItem]:
        """The caller's notifications, newest first (``unread=true``: only unread ones)."""
        user = caller_user(context.actor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                _FEED + "where user_id = $1 and (not $2 or read_at is null) "
                "order by id desc limit $3",
                user,
                unread,
                max(1, min(limit, 200)),
            )
        return [msgspec.convert(dict(r), FeedItem) for r in rows]

    @post("/feed/{item_id:uuid}/read", status_code=200)
    async def mark_read(self, db: Db, context: Context, item_id: FromPath[UUID]) -> FeedItem:
        """Mark one of the caller's notifications read."""
        user = caller_user(context.actor)
        async with db.transaction() as conn:
            row = await conn.fetchrow(
                "update notify_feed set read_at = coalesce(read_at, now()) "
                "where id = $1 and user_id = $2 returning id, message_id, category, title, "
                "body, read_at, created_at",
                item_id,
                user,
            )
        if row is None:
            not_found()
        return msgspec.convert(dict(row), FeedItem)

    @get("/feed/stream")
    async def stream_feed(
        self,
        db: Db,
        context: Context,
        after: FromQuery[UUID | None] = None,
        once: FromQuery[bool] = False,
    ) -> ServerSentEvent:
        """Server-sent events: each new notification of the caller as it arrives.

        Starts after ``after`` (a feed item id; else with the unread ones) and polls every
        second; ``once=true`` ends the stream after the first batch (for scripts).
        """
        user = caller_user(context.actor)

        async def events() -> AsyncGenerator[ServerSentEventMessage, None]:
            last = after
            while True:
                async with db.transaction() as conn:
                    rows = await conn.fetch(
                        _FEED + "where user_id = $1 and ($2::uuid is null and read_at is null "
                        "or id > $2) order by id limit 100",
                        user,
                        last,
                    )
                for row in rows:
                    item = msgspec.convert(dict(row), FeedItem)
                    last = item.id
                    yield ServerSentEventMessage(
                        data=msgspec.json.encode(item).decode(),
                        event="notification",
                        id=str(item.id),
                    )
                if once:
                    return
                await asyncio.sleep(1.0)

        return ServerSentEvent(events())

    @get("/preferences")
    async def list_preferences(self, db: Db, context: Context) -> list[PreferenceOut]:
        """The caller's channels per category (categories not listed: the sender's choice)."""
        user = caller_user(context.actor)
        async with db.transaction() as conn:
            rows = await conn.fetch(
                "select category, channels from notify_preference where user_id = $1 "
                "order by category",
                user,
            )
        return [msgspec.convert(dict(r), PreferenceOut) for r in rows]

    @put("/preferences/{category:str}")
    async def set_preference(
        self,
        db: Db,
        context: Context,
        category: FromPath[str],
        data: Annotated[PreferenceIn, body("PUT /preferences/{category}", "Email and in-app")],
    ) -> PreferenceOut:
        """Choose the channels of a category for oneself."""
        user = caller_user(context.actor)
        channels: list[str] = list(dict.fromkeys(data.channels))
        async with db.transaction() as conn:
            await conn.execute(
                "insert into notify_preference (id, user_id, category, channels) "
                "values (gen_random_uuid(), $1, $2, $3) on conflict (tenant_id, user_id, category) "
                "do update set channels = excluded.channels, updated_at = now()",
                user,
                category[:200],
                channels,
            )
        return PreferenceOut(category=category[:200], channels=channels)
