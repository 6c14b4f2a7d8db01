"""Members' balances and redemptions, under ``/api/v1/loyalty/members``."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath, JSONBody
from nexus_hookspecs.http import Cursor, Db, Events, Limit, Page, route_opt

from acme_loyalty import _members
from acme_loyalty._keys import READ, REDEEM

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = ("EntryOut", "Member", "MemberController", "MemberDetail", "Redemption")


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


class MemberController(Controller):
    """Loyalty members of the caller's tenant: anyone who has earned points."""

    path = "/members"
    tags = ["loyalty"]

    @get("/", summary="List members by balance", opt=route_opt(permission=READ))
    async def list_members(self, db: Db, cursor: Cursor = None, limit: Limit = 50) -> Page[Member]:
        """Members, highest balance first, a page at a time."""
        by_balance = _members.BY_BALANCE
        args: list[object] = []
        async with db.transaction() as conn:
            rows = await conn.fetch(by_balance.sql(_members.MEMBERS, args, cursor, limit), *args)
        return by_balance.page(rows, limit, lambda row: msgspec.convert(row, Member))

    @get(
        "/{member_id:uuid}",
        summary="Show a member's balance and history",
        opt=route_opt(permission=READ),
    )
    async def show_member(self, db: Db, member_id: FromPath[UUID]) -> MemberDetail:
        """A member's balance and latest 50 entries; 404 for a member without entries."""
        async with db.transaction() as conn:
            return await _detail(conn, member_id)

    @post(
        "/{member_id:uuid}/redeem",
        summary="Redeem points",
        opt=route_opt(permission=REDEEM),
        status_code=200,
    )
    async def redeem(
        self, db: Db, events: Events, member_id: FromPath[UUID], data: JSONBody[Redemption]
    ) -> MemberDetail:
        """Take points off a member's balance; 409 when the balance is short."""
        async with db.transaction() as conn:
            await _members.redeem(conn, events, member_id, data.points, data.reason)
            return await _detail(conn, member_id)


async def _detail(conn: Connection, member_id: UUID) -> MemberDetail:
    row = await _members.member(conn, member_id)
    entries = await _members.history(conn, member_id)
    return MemberDetail(**row, history=[msgspec.convert(e, EntryOut) for e in entries])
