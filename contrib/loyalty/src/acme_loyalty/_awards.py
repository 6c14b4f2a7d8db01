"""Points for won deals: the handler of CRM's ``crm.deal.won.v1``."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

import structlog
from nexus_hookspecs.piccolo import TimeOrderedId

if TYPE_CHECKING:
    from nexus_hookspecs import EventContext

    from acme_loyalty._settings import LoyaltySettings

__all__ = ("AWARDED", "DEAL_WON", "REDEEMED", "award_for_won_deal", "points_for")

DEAL_WON = "crm.deal.won.v1"
AWARDED = "loyalty.points.awarded.v1"
"""``{member_id, member_email, points, balance, deal_id}``, published with each award."""
REDEEMED = "loyalty.points.redeemed.v1"
"""``{member_id, points, balance, reason}``, published with each redemption."""

log = structlog.get_logger("acme_loyalty")

_AWARD = """
insert into loyalty_entry (id, member_id, member_email, points, reason, source)
values ($1, $2, $3, $4, $5, $6)
on conflict (tenant_id, source) do nothing
returning id
"""
_BALANCE = "select coalesce(sum(points), 0) from loyalty_entry where member_id = $1"


def points_for(data: dict[str, Any], settings: LoyaltySettings) -> int:
    """Points a won deal earns under ``settings`` (0 when it earns none)."""
    try:
        amount = Decimal(str(data.get("amount")))
    except InvalidOperation:
        return 0
    if settings.currencies and data.get("currency") not in settings.currencies:
        return 0
    if amount < Decimal(settings.minimum_amount):
        return 0
    return max(int(amount * settings.points_per_unit), 0)


async def award_for_won_deal(event: Any, ctx: EventContext) -> None:
    """Credit the deal's contact (or, without one, its company) with points.

    Runs in the delivery's transaction, row-level security set to the deal's tenant; not
    called for tenants that have the loyalty plugin off. A deal awards once: the entry's
    ``source`` is unique, so a redelivery or a deal won again after reopening adds nothing.
    """
    if not await ctx.feature_enabled("loyalty.awards"):
        return
    data = event.data
    member = data.get("contact_id") or data.get("company_id")
    points = points_for(data, await ctx.settings())
    if member is None or points == 0:
        log.info("deal earns no points", deal=data.get("id"), member=member, points=points)
        return
    entry = await ctx.conn.fetchval(
        _AWARD,
        TimeOrderedId().python(),
        member,
        data.get("contact_email"),
        points,
        f"deal won: {data.get('title', '')}".strip(),
        f"crm.deal:{data['id']}",
    )
    if entry is None:
        return
    balance = await ctx.conn.fetchval(_BALANCE, member)
    await ctx.events.publish(
        ctx.conn,
        type=AWARDED,
        data={
            "member_id": str(member),
            "member_email": data.get("contact_email"),
            "points": points,
            "balance": balance,
            "deal_id": data["id"],
        },
        subject=str(member),
    )
