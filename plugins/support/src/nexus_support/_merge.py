"""Merging a ticket into another: its messages, tags and requester's thread move over."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs.http import conflict

from nexus_support._messages import add_message
from nexus_support._tickets import set_status

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime

    from nexus_hookspecs import Connection

__all__ = ("merge",)


async def merge(
    conn: Connection,
    *,
    source: Mapping[str, Any],
    target: Mapping[str, Any],
    author: str | None,
    at: datetime,
) -> None:
    """Merge ``source`` into ``target``: 409 when either is merged already or they are one.

    The source's messages move to the target (its Message-IDs with them, so replies to them
    land on the target), its tags join the target's; the source becomes ``merged`` with an
    internal note on each naming the other.
    """
    if source["id"] == target["id"]:
        conflict("a ticket cannot be merged into itself")
    if source["status"] == "merged" or target["status"] == "merged":
        conflict("a merged ticket cannot be merged again; use the ticket it was merged into")
    await conn.execute(
        "update support_message set ticket_id = $2 where ticket_id = $1",
        source["id"],
        target["id"],
    )
    await conn.execute(
        "update support_ticket set tags = (select coalesce(array_agg(distinct tag order by tag),"
        " '{}') from unnest(tags || $2::text[]) as tag), updated_at = now() where id = $1",
        target["id"],
        list(source["tags"]),
    )
    await set_status(conn, ticket_id=source["id"], old=source["status"], new="merged", at=at)
    await conn.execute(
        "update support_ticket set merged_into = $2 where id = $1", source["id"], target["id"]
    )
    await add_message(
        conn,
        ticket_id=target["id"],
        kind="internal",
        author=author,
        body=f"Ticket #{source['number']} ({source['subject']}) was merged into this one.",
    )
    await add_message(
        conn,
        ticket_id=source["id"],
        kind="internal",
        author=author,
        body=f"Merged into ticket #{target['number']}.",
    )
