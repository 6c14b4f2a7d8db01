"""Bounces and complaints of sent mail: suppress the address, tell Notification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_hookspecs import new_id

from nexus_mail._events import OUTBOUND_BOUNCED, OutboundBounced

if TYPE_CHECKING:
    from nexus_hookspecs import EventContext

    from nexus_mail._dsn import Report

__all__ = ("record_reports",)


async def record_reports(ctx: EventContext, reports: list[Report]) -> int:
    """For each report about a message this tenant sent: suppress, mark, publish.

    Returns:
        How many reports matched a sent message.
    """
    matched = 0
    for report in reports:
        if report.original_message_id is None:
            continue
        row = await ctx.conn.fetchrow(
            "select id, delivery_ref from mail_message where direction = 'out' "
            "and rfc_message_id = $1 order by at desc limit 1",
            report.original_message_id,
        )
        if row is None:
            continue
        matched += 1
        hard = report.kind == "complaint" or (report.status or "5").startswith("5")
        if hard:
            await ctx.conn.execute(
                "insert into mail_suppression (id, address, kind, status, diagnostic) "
                "values ($1, $2, $3, $4, $5) on conflict (tenant_id, address) do update set "
                "kind = excluded.kind, status = excluded.status, diagnostic = excluded.diagnostic",
                new_id(),
                report.recipient,
                report.kind,
                report.status,
                (report.diagnostic or "")[:2000] or None,
            )
            await ctx.conn.execute(
                "update mail_message set state = 'bounced' where id = $1", row["id"]
            )
        await ctx.events.publish(
            ctx.conn,
            type=OUTBOUND_BOUNCED,
            data=OutboundBounced(
                message_id=row["id"],
                delivery_ref=row["delivery_ref"],
                recipient=report.recipient,
                kind="complaint" if report.kind == "complaint" else "bounce",
                status=report.status,
                diagnostic=(report.diagnostic or "")[:2000] or None,
            ),
            subject=str(row["id"]),
        )
    return matched
