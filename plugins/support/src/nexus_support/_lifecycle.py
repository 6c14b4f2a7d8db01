"""Solving and changing a ticket: status moves, policy re-matching, the solved event."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nexus_hookspecs.http import conflict

from nexus_support._csat import secret, sign
from nexus_support._events import TICKET_SOLVED, TicketSolved
from nexus_support._messages import send_survey
from nexus_support._sla import match_policy
from nexus_support._tickets import TICKET_COLUMNS, TicketOut, set_status, ticket_out

if TYPE_CHECKING:
    from collections.abc import Mapping
    from datetime import datetime
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_support._settings import SupportSettings

__all__ = ("csat_token", "load", "rematch", "solve")


async def load(conn: Connection, ticket_id: UUID) -> Mapping[str, Any] | None:
    """A ticket's row, locked for the transaction."""
    return await conn.fetchrow(
        f"select {TICKET_COLUMNS} from support_ticket where id = $1 for update", ticket_id
    )


async def csat_token(conn: Connection, tenant_id: UUID, ticket_id: UUID) -> str:
    """The satisfaction token of a ticket."""
    return sign(await secret(conn), tenant_id, ticket_id)


async def rematch(conn: Connection, ticket_id: UUID) -> None:
    """Put a ticket under the policy of its (changed) priority and tier."""
    row = await conn.fetchrow("select priority, tier from support_ticket where id = $1", ticket_id)
    if row is not None:
        policy = await match_policy(conn, row["priority"], row["tier"])
        await conn.execute(
            "update support_ticket set sla_policy_id = $2 where id = $1", ticket_id, policy
        )


async def solve(
    conn: Connection,
    events: EventPublisher,
    *,
    ticket: Mapping[str, Any],
    tenant_id: UUID,
    at: datetime,
    services: Services,
    settings: SupportSettings,
) -> TicketOut:
    """Solve a ticket and publish ``support.ticket.solved.v1`` with its CSAT token.

    When the tenant set ``survey_url``, the requester is emailed the survey's link.
    """
    if ticket["status"] == "merged":
        conflict("a merged ticket cannot be solved; solve the ticket it was merged into")
    if ticket["status"] == "solved":
        conflict("the ticket is solved already")
    await set_status(conn, ticket_id=ticket["id"], old=ticket["status"], new="solved", at=at)
    row = await load(conn, ticket["id"])
    assert row is not None
    solved = TicketSolved(
        ticket_id=row["id"],
        number=row["number"],
        requester_email=row["requester_email"],
        solved_at=at,
        csat_token=await csat_token(conn, tenant_id, row["id"]),
    )
    await send_survey(conn, services, settings, ticket=row, token=solved.csat_token)
    await events.publish(conn, type=TICKET_SOLVED, data=solved, subject=str(row["id"]))
    return ticket_out(row)
