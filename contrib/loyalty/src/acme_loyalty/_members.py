"""Members' balances and history, and redeeming points: the queries the routes share."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id
from nexus_hookspecs.http import Keyset, conflict, not_found

from acme_loyalty._events import REDEEMED, PointsRedeemed

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("BY_BALANCE", "MEMBERS", "history", "member", "redeem")

MEMBERS = """
select member_id as id, member_id, max(member_email) as member_email,
       sum(points)::int as balance, count(*)::int as entries
  from loyalty_entry group by member_id
"""
"""Every member with their balance: the inner query of :data:`BY_BALANCE` pages."""

BY_BALANCE = Keyset("balance", keys=(("-q.balance", "int"),))
"""Members by balance, highest first (ties by member id)."""

_MEMBER = """
select member_id, max(member_email) as member_email, sum(points)::int as balance,
       count(*)::int as entries
  from loyalty_entry where member_id = $1 group by member_id
"""
_ENTRIES = """
select id, points, reason, source, created_at from loyalty_entry
 where member_id = $1 order by id desc limit 50
"""
_REDEEM = "insert into loyalty_entry (id, member_id, points, reason) values ($1, $2, $3, $4)"


async def member(conn: Connection, member_id: UUID) -> dict[str, Any]:
    """A member's balance and entry count; 404 when they have no entries."""
    row = await conn.fetchrow(_MEMBER, member_id)
    if row is None:
        not_found()
    return dict(row)


async def history(conn: Connection, member_id: UUID) -> list[dict[str, Any]]:
    """A member's latest 50 entries, newest first."""
    return [dict(row) for row in await conn.fetch(_ENTRIES, member_id)]


async def redeem(
    conn: Connection, events: EventPublisher, member_id: UUID, points: int, reason: str
) -> None:
    """Take ``points`` off a member's balance and publish the redemption.

    404 for a member without entries; 409 when the balance is short. One redemption per
    member at a time, so two cannot both spend the same points.
    """
    await conn.execute("select pg_advisory_xact_lock(hashtext($1))", str(member_id))
    balance: int = (await member(conn, member_id))["balance"]
    if balance < points:
        conflict(f"the balance is {balance} points, fewer than {points}")
    await conn.execute(_REDEEM, new_id(), member_id, -points, reason)
    redeemed = PointsRedeemed(
        member_id=member_id, points=points, balance=balance - points, reason=reason
    )
    await events.publish(conn, type=REDEEMED.type, data=redeemed, subject=str(member_id))
