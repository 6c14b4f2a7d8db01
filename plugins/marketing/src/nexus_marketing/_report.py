"""A campaign's report."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs.http import not_found

from nexus_marketing._models import Report, Variant

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection

__all__ = ("report",)

_COUNTS = (
    "count(*) as recipients, count(*) filter (where state = 'queued') as sent, "
    "count(*) filter (where state = 'skipped') as skipped, "
    "count(opened_at) as opened, count(clicked_at) as clicked, "
    "count(*) filter (where bounced) as bounced, count(unsubscribed_at) as unsubscribed"
)


async def report(conn: Connection, campaign_id: UUID) -> Report:
    """Sent, skipped, opened, clicked, bounced and unsubscribed, in all and per variant."""
    status = await conn.fetchval("select status from marketing_campaign where id = $1", campaign_id)
    if status is None:
        not_found()
    total = await conn.fetchrow(
        f"select {_COUNTS} from marketing_recipient where campaign_id = $1", campaign_id
    )
    rows = await conn.fetch(
        f"select variant, {_COUNTS} from marketing_recipient where campaign_id = $1 "
        "group by variant order by variant",
        campaign_id,
    )
    assert total is not None  # noqa: S101 - an aggregate always answers a row
    return Report(
        campaign_id=campaign_id,
        status=status,
        recipients=total["recipients"],
        sent=total["sent"],
        skipped=total["skipped"],
        opened=total["opened"],
        clicked=total["clicked"],
        bounced=total["bounced"],
        unsubscribed=total["unsubscribed"],
        variants=[
            Variant(
                variant=row["variant"],
                recipients=row["recipients"],
                sent=row["sent"],
                opened=row["opened"],
                clicked=row["clicked"],
            )
            for row in rows
        ],
    )
