"""Points for won deals: how many a deal earns, and crediting them once per deal."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus_hookspecs import new_id

from acme_loyalty._events import AWARDED, PointsAwarded

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

    from acme_loyalty._settings import LoyaltySettings

__all__ = ("award", "points_for")

_AWARD = """
insert into loyalty_entry (id, member_id, member_email, points, reason, source)
values ($1, $2, $3, $4, $5, $6)
on conflict (tenant_id, source) do nothing
returning id
"""
_BALANCE = "select coalesce(sum(points), 0) from loyalty_entry where member_id = $1"


def points_for(data: dict[str, Any], settings: LoyaltySettings) -> int:
    """Points a won deal (the ``data`` of ``crm.deal.won.v1``) earns under ``settings``.

    0 when it earns none: an amount that is not a number, a currency not listed, an amount
    below the minimum.
    """
    try:
        amount = Decimal(str(data.get("amount")))
    except InvalidOperation:
        return 0
    if settings.currencies and data.get("currency") not in settings.currencies:
        return 0
    if amount < Decimal(settings.minimum_amount):
        return 0
    return max(int(amount * settings.points_per_unit), 0)


async def award(
    conn: Connection,
    events: EventPublisher,
    *,
    member: UUID,
    email: str | None,
    points: int,
    deal: dict[str, Any],
) -> bool:
    """Credit ``member`` with ``points`` for a won ``deal`` and publish the award, once.

    The entry's ``source`` (``crm.deal:<id>``) is unique per tenant, so a redelivered event
    or a deal won again after reopening adds nothing. Returns whether points were credited.
    """
    deal_id = UUID(str(deal["id"]))
    entry = await conn.fetchval(
        _AWARD,
        new_id(),
        member,
        email,
        points,
        f"deal won: {deal.get('title', '')}".strip(),
        f"crm.deal:{deal_id}",
    )
    if entry is None:
        return False
    balance = await conn.fetchval(_BALANCE, member)
    awarded = PointsAwarded(
        member_id=member, member_email=email, points=points, balance=balance, deal_id=deal_id
    )
    await events.publish(conn, type=AWARDED.type, data=awarded, subject=str(member))
    return True
