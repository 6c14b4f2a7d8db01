"""The events the loyalty plugin publishes, and the one it consumes.

The manifest lists the published ones (``Manifest.events``); ``nexus events catalog``
publishes each one's type, when it is emitted and the JSON Schema of its payload.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = ("AWARDED", "DEAL_WON", "REDEEMED", "PointsAwarded", "PointsRedeemed")

DEAL_WON = "crm.deal.won.v1"
"""Consumed: the CRM's won deal (``id``, ``title``, ``amount``, ``currency``, ``contact_id``,
``contact_email``, ``company_id``, …); loyalty reads it as JSON, it never imports the CRM."""


class PointsAwarded(msgspec.Struct, kw_only=True):
    """The ``data`` of ``loyalty.points.awarded.v1``.

    Attributes:
        member_id: Who earned the points: the deal's contact, or its company.
        member_email: The contact's email, if the deal had one.
        points: Points earned.
        balance: The member's balance after the award.
        deal_id: The won CRM deal.
    """

    member_id: UUID
    member_email: str | None
    points: int
    balance: int
    deal_id: UUID


class PointsRedeemed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``loyalty.points.redeemed.v1``.

    Attributes:
        member_id: Whose points were taken off.
        points: Points redeemed.
        balance: The member's balance after the redemption.
        reason: What they were redeemed for.
    """

    member_id: UUID
    points: int
    balance: int
    reason: str


AWARDED = EventType(
    type="loyalty.points.awarded.v1",
    description="A member earned points for a won CRM deal (once per deal).",
    payload=PointsAwarded,
)
REDEEMED = EventType(
    type="loyalty.points.redeemed.v1",
    description="A member redeemed points through the API.",
    payload=PointsRedeemed,
)
