"""Campaigns: create, send (throttled through the outbox), the due-batch sweep, reports."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs import new_id
from nexus_hookspecs.http import (
    Db,
    Events,
    Services,
    TenantSettings,
    invalid,
    not_found,
    route_opt,
)

from nexus_marketing._examples import body
from nexus_marketing._keys import CAMPAIGNS_READ, CAMPAIGNS_SEND
from nexus_marketing._models import CampaignIn, CampaignOut, Report
from nexus_marketing._report import report
from nexus_marketing._send import start
from nexus_marketing._settings import MarketingSettings
from nexus_marketing._sweep import send_due

__all__ = ("CampaignController",)

_READ = route_opt(permission=CAMPAIGNS_READ)
_SEND = route_opt(permission=CAMPAIGNS_SEND)


def _out(row: Any) -> CampaignOut:
    return msgspec.convert(dict(row), CampaignOut)


class CampaignController(Controller):
    """Campaigns by email, SMS and WhatsApp."""

    path = "/campaigns"
    tags = ["marketing: campaigns"]

    @post("/", opt=_SEND)
    async def create_campaign(
        self,
        db: Db,
        settings: TenantSettings[MarketingSettings],
        data: Annotated[CampaignIn, body("POST /campaigns", "Spring sale")],
    ) -> CampaignOut:
        """Create a draft campaign to a segment, a list, or else every contact it may reach."""
        if data.segment_id is not None and data.list_id is not None:
            invalid("list_id", "give a segment_id or a list_id, not both")
        if data.channel == "email" and data.subject is None:
            invalid("subject", "an email needs a subject")
        async with db.transaction() as conn:
            for field, table, value in (
                ("segment_id", "marketing_segment", data.segment_id),
                ("list_id", "marketing_list", data.list_id),
            ):
                if value is not None and not await conn.fetchval(
                    f"select exists (select 1 from {table} where id = $1)",  # noqa: S608
                    value,
                ):
                    invalid(field, "not found")
            row = await conn.fetchrow(
                "insert into marketing_campaign (id, name, channel, segment_id, list_id, "
                "subject, subject_b, text, html, rate_per_minute, local_time) values "
                "($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) returning *",
                new_id(),
                data.name,
                data.channel,
                data.segment_id,
                data.list_id,
                data.subject,
                data.subject_b,
                data.text,
                data.html,
                data.rate_per_minute or settings.rate_per_minute,
                data.local_time,
            )
        return _out(row)

    @get("/{campaign_id:uuid}", opt=_READ)
    async def show_campaign(self, db: Db, campaign_id: FromPath[UUID]) -> CampaignOut:
        """One campaign."""
        async with db.transaction() as conn:
            row = await conn.fetchrow("select * from marketing_campaign where id = $1", campaign_id)
        if row is None:
            not_found()
        return _out(row)

    @post("/{campaign_id:uuid}/send", opt=_SEND, status_code=202)
    async def send_campaign(
        self,
        db: Db,
        events: Events,
        settings: TenantSettings[MarketingSettings],
        campaign_id: FromPath[UUID],
    ) -> CampaignOut:
        """Pick the recipients now and queue them in batches.

        The campaign's rate spaces the batches out (409 unless a draft). Each batch goes
        out through the outbox when it is due.
        """
        async with db.transaction() as conn:
            await start(conn, events, campaign_id, settings, datetime.now(UTC))
            row = await conn.fetchrow("select * from marketing_campaign where id = $1", campaign_id)
        return _out(row)

    @post("/sweep", opt=_SEND)
    async def sweep(
        self, db: Db, services: Services, settings: TenantSettings[MarketingSettings]
    ) -> dict[str, int]:
        """Send the tenant's batches that are due (what the periodic sweep does)."""
        async with db.transaction() as conn:
            return {"sent": await send_due(conn, services, settings, datetime.now(UTC))}

    @get("/{campaign_id:uuid}/report", opt=_READ)
    async def campaign_report(self, db: Db, campaign_id: FromPath[UUID]) -> Report:
        """A campaign's numbers, per subject variant too."""
        async with db.transaction() as conn:
            return await report(conn, campaign_id)
