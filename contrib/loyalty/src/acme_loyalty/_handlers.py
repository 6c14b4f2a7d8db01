"""Event handlers: points for CRM's won deals."""

from __future__ import annotations

from typing import TYPE_CHECKING
from uuid import UUID

import structlog

from acme_loyalty._awards import award, points_for
from acme_loyalty._keys import AWARDS

if TYPE_CHECKING:
    from nexus_hookspecs import CloudEvent, EventContext

    from acme_loyalty._settings import LoyaltySettings

__all__ = ("award_for_won_deal",)

log = structlog.get_logger("acme_loyalty")


async def award_for_won_deal(event: CloudEvent, ctx: EventContext) -> None:
    """Credit the deal's contact (or, without one, its company) with points.

    Runs in the delivery's transaction, row-level security set to the deal's tenant; not
    called for tenants that have the loyalty plugin off. A deal awards once (see
    :func:`~acme_loyalty._awards.award`).
    """
    if not await ctx.feature_enabled(AWARDS):
        return
    data = event.data
    member = data.get("contact_id") or data.get("company_id")
    settings: LoyaltySettings = await ctx.settings()
    points = points_for(data, settings)
    if member is None or points == 0:
        log.info("deal earns no points", deal=data.get("id"), member=member, points=points)
        return
    await award(
        ctx.conn,
        ctx.events,
        member=UUID(str(member)),
        email=data.get("contact_email"),
        points=points,
        deal=data,
    )
