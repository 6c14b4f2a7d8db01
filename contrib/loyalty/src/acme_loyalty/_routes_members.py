"""Members' balances and redemptions, under ``/api/v1/loyalty/``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.exceptions import ClientException, NotFoundException
from litestar.params import FromPath, JSONBody, QueryParameter, SkipValidation
from nexus_hookspecs import Database, EventPublisher
from nexus_hookspecs.piccolo import TimeOrderedId

from acme_loyalty._awards import REDEEMED

__all__ = ("REDEEM", "MemberController")

REDEEM = "loyalty.points:redeem"

Db = NamedDependency[SkipValidation[Database]]
Events = NamedDependency[SkipValidation[EventPublisher]]

_MEMBERS = """
select member_id, max(member_email) as member_email, sum(points)::int as balance,
       count(*)::int as entries
  from loyalty_entry group by member_id order by balance desc, member_id limit $1
"""
_MEMBER = """
select member_id, max(member_email) as member_email, sum(points)::int as balance,
       count(*)::int as entries
  from loyalty_entry where member_id = $1 group by member_id
"""
_ENTRIES = """
select id, points, reason, source, created_at from loyalty_entry
 where member_id = $1 order by id desc limit 50
"""
_REDEEM = """
insert into loyalty_entry (id, member_id, points, reason) values ($1, $2, $3, $4)
"""


class Member(msgspec.Struct, kw_only=True):
    """A member's balance."""

    member_id: UUID
    member_email: str | None
    balance: int
    entries: int


class EntryOut(msgspec.Struct, kw_only=True):
    """One change of a member's points."""

    id: UUID
    points: int
    reason: str
    source: str | None
    created_at: datetime


class MemberDetail(Member, kw_only=True):
    """A member's balance and latest entries (newest first, at most 50)."""

    history: list[EntryOut]


class Redemption(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Points to take off a member's balance."""

    points: Annotated[int, msgspec.Meta(ge=1, le=10_000_000)]
    reason: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]


async def _member(conn: Any, member_id: UUID) -> MemberDetail:
    row = await conn.fetchrow(_MEMBER, member_id)
    if row is None:
        raise NotFoundException()
    history = [msgspec.convert(dict(r), EntryOut) for r in await conn.fetch(_ENTRIES, member_id)]
    return MemberDetail(**dict(row), history=history)


class MemberController(Controller):
    """Loyalty members of the caller's tenant: anyone who has earned points."""

    path = "/members"
    tags = ["loyalty"]

    @get("/", summary="List members by balance")
    async def list_members(
        self, db: Db, limit: Annotated[int, QueryParameter(ge=1, le=200)] = 50
    ) -> list[Member]:
        async with db.transaction() as conn:
            rows = await conn.fetch(_MEMBERS, limit)
        return [msgspec.convert(dict(row), Member) for row in rows]

    @get("/{member_id:uuid}", summary="Show a member's balance and history")
    async def show_member(self, db: Db, member_id: FromPath[UUID]) -> MemberDetail:
        async with db.transaction() as conn:
            return await _member(conn, member_id)

    @post(
        "/{member_id:uuid}/redeem",
        summary="Redeem points",
        opt={"permission": REDEEM},
        status_code=200,
    )
    async def redeem(
        self, db: Db, events: Events, member_id: FromPath[UUID], data: JSONBody[Redemption]
    ) -> MemberDetail:
        async with db.transaction() as conn:
            # One redemption per member at a time, so two cannot both spend the same points.
            await conn.execute("select pg_advisory_xact_lock(hashtext($1))", str(member_id))
            balance = (await _member(conn, member_id)).balance
            if balance < data.points:
                raise ClientException(
                    status_code=409,
                    detail=f"the balance is {balance} points, fewer than {data.points}",
                )
            await conn.execute(
                _REDEEM, TimeOrderedId().python(), member_id, -data.points, data.reason
            )
            member = await _member(conn, member_id)
            await events.publish(
                conn,
                type=REDEEMED,
                data={
                    "member_id": str(member_id),
                    "points": data.points,
                    "balance": member.balance,
                    "reason": data.reason,
                },
                subject=str(member_id),
            )
        return member
