"""The chat's SQL, on the caller's transaction (row-level security: the caller's tenant).

A public channel is visible to every member of the tenant; a private or direct one only to
its members: to anyone else it answers 404, as another tenant's would.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_chat._model import ChannelOut, EditOut, MessageOut

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = (
    "channel_of",
    "create_channel",
    "history",
    "list_channels",
    "mark_read",
    "mentions",
    "message",
    "messages",
    "post",
    "replace",
    "search",
    "visible_channel",
)

_MENTION = re.compile(r"@((?:user|api_key):[0-9A-Za-z-]{1,64})")
_CHANNEL_COLUMNS = (
    "c.id, c.kind, c.name, c.created_by, c.created_at, "
    "array(select m.member from chat_member m where m.channel_id = c.id "
    "order by m.member) as members, "
    "coalesce((select count(*) from chat_message x join chat_member r "
    "on r.channel_id = x.channel_id and r.member = $1 where x.channel_id = c.id "
    "and x.deleted_at is null and x.author <> $1 "
    "and (r.last_read_id is null or x.id > r.last_read_id)), 0) as unread"
)
_VISIBLE = (
    "(c.kind = 'public' or exists (select 1 from chat_member m "
    "where m.channel_id = c.id and m.member = $1))"
)
_MESSAGE_COLUMNS = (
    "id, channel_id, thread_id, author, case when deleted_at is null then body else '' end "
    "as body, created_at, edited_at, deleted_at, attachments, "
    "array(select r.emoji from chat_reaction r where r.message_id = chat_message.id "
    "group by r.emoji order by min(r.created_at), r.emoji) as reaction_emoji, "
    "array(select count(*) from chat_reaction r where r.message_id = chat_message.id "
    "group by r.emoji order by min(r.created_at), r.emoji) as reaction_count"
)


def mentions(body: str) -> list[str]:
    """The actors a message names with ``@user:<id>``, each once, in order."""
    return list(dict.fromkeys(_MENTION.findall(body)))


def _channel(row: Any) -> ChannelOut:
    return msgspec.convert(dict(row), ChannelOut)


def _message(row: Any) -> MessageOut:
    data = dict(row)
    counts = zip(data.pop("reaction_emoji"), data.pop("reaction_count"), strict=True)
    data["reactions"] = [{"emoji": emoji, "count": count} for emoji, count in counts]
    return msgspec.convert(data, MessageOut)


async def create_channel(
    conn: Connection, *, kind: str, name: str | None, creator: str, members: list[str]
) -> ChannelOut:
    """Create a channel with its creator and ``members``; 409 when the name is taken."""
    channel_id = new_id()
    if name is not None and await conn.fetchval(
        "select 1 from chat_channel where lower(name) = lower($1)", name
    ):
        conflict(f"a channel is already named {name}")
    await conn.execute(
        "insert into chat_channel (id, kind, name, created_by) values ($1, $2, $3, $4)",
        channel_id,
        kind,
        name,
        creator,
    )
    for member in dict.fromkeys([creator, *members]):
        await conn.execute(
            "insert into chat_member (id, channel_id, member) values ($1, $2, $3)",
            new_id(),
            channel_id,
            member,
        )
    return await visible_channel(conn, channel_id, creator)


async def visible_channel(conn: Connection, channel_id: UUID, actor: str) -> ChannelOut:
    """The channel, if ``actor`` may see it; otherwise 404."""
    row = await conn.fetchrow(
        f"select {_CHANNEL_COLUMNS} from chat_channel c where c.id = $2 and {_VISIBLE}",
        actor,
        channel_id,
    )
    if row is None:
        not_found()
    return _channel(row)


async def list_channels(conn: Connection, actor: str) -> list[ChannelOut]:
    """The channels ``actor`` sees: public ones and those it is a member of."""
    rows = await conn.fetch(
        f"select {_CHANNEL_COLUMNS} from chat_channel c where {_VISIBLE} order by c.id", actor
    )
    return [_channel(row) for row in rows]


async def post(
    conn: Connection,
    channel_id: UUID,
    author: str,
    body: str,
    thread_id: UUID | None,
    attachments: list[UUID] | None = None,
) -> MessageOut:
    """Post a message; its thread must be a message of the same channel (else 422)."""
    if thread_id is not None and not await conn.fetchval(
        "select 1 from chat_message where id = $1 and channel_id = $2 and thread_id is null",
        thread_id,
        channel_id,
    ):
        invalid("thread_id", "no such thread in this channel")
    row = await conn.fetchrow(
        "insert into chat_message (id, channel_id, thread_id, author, body, attachments) "
        f"values ($1, $2, $3, $4, $5, $6) returning {_MESSAGE_COLUMNS}",
        new_id(),
        channel_id,
        thread_id,
        author,
        body,
        list(dict.fromkeys(attachments or [])),
    )
    return _message(row)


async def messages(
    conn: Connection, channel_id: UUID, *, after: UUID | None, limit: int
) -> list[MessageOut]:
    """The channel's messages in the order they were posted, after the cursor."""
    rows = await conn.fetch(
        f"select {_MESSAGE_COLUMNS} from chat_message where channel_id = $1 "
        "and ($2::uuid is null or id > $2) order by id limit $3",
        channel_id,
        after,
        limit,
    )
    return [_message(row) for row in rows]


async def message(conn: Connection, message_id: UUID) -> MessageOut:
    """One message as it reads now (its reactions counted)."""
    row = await conn.fetchrow(
        f"select {_MESSAGE_COLUMNS} from chat_message where id = $1", message_id
    )
    if row is None:
        not_found()
    return _message(row)


async def channel_of(conn: Connection, message_id: UUID) -> tuple[UUID, str]:
    """The channel and author of a message that is not deleted; 404 otherwise."""
    row = await conn.fetchrow(
        "select channel_id, author from chat_message where id = $1 and deleted_at is null",
        message_id,
    )
    if row is None:
        not_found()
    return row["channel_id"], row["author"]


async def replace(conn: Connection, message_id: UUID, body: str | None) -> MessageOut:
    """Edit (``body``) or delete (``None``) a message, keeping the text it replaces."""
    await conn.execute(
        "insert into chat_message_edit (id, message_id, body) "
        "select $1, id, body from chat_message where id = $2",
        new_id(),
        message_id,
    )
    if body is None:
        sql = "update chat_message set deleted_at = now() where id = $1"
        await conn.execute(sql, message_id)
    else:
        sql = "update chat_message set body = $2, edited_at = now() where id = $1"
        await conn.execute(sql, message_id, body)
    row = await conn.fetchrow(
        f"select {_MESSAGE_COLUMNS} from chat_message where id = $1", message_id
    )
    return _message(row)


async def history(conn: Connection, message_id: UUID) -> list[EditOut]:
    """The texts a message had before each edit or delete, oldest first."""
    rows = await conn.fetch(
        "select body, replaced_at from chat_message_edit where message_id = $1 order by id",
        message_id,
    )
    return [msgspec.convert(dict(row), EditOut) for row in rows]


async def mark_read(conn: Connection, channel_id: UUID, actor: str, message_id: UUID) -> None:
    """Record the last message ``actor`` read (a member only: 404 to others, or no message)."""
    if not await conn.fetchval(
        "select 1 from chat_message where id = $1 and channel_id = $2", message_id, channel_id
    ):
        invalid("message_id", "no such message in this channel")
    done = await conn.execute(
        "update chat_member set last_read_id = greatest(coalesce(last_read_id, $3), $3) "
        "where channel_id = $1 and member = $2",
        channel_id,
        actor,
        message_id,
    )
    if done == "UPDATE 0":
        not_found()


async def search(conn: Connection, actor: str, query: str, limit: int) -> list[MessageOut]:
    """Messages of the channels ``actor`` sees matching ``query`` (PostgreSQL full text)."""
    rows = await conn.fetch(
        f"select {_MESSAGE_COLUMNS} from chat_message where deleted_at is null "
        "and search @@ websearch_to_tsquery('simple', $2) and channel_id in "
        f"(select c.id from chat_channel c where {_VISIBLE}) order by id desc limit $3",
        actor,
        query,
        limit,
    )
    return [_message(row) for row in rows]
