"""Tickets: opening one (number, requester's contact, SLA policy, assignment) and its status.

Every ticket gets the tenant's next number, the CRM contact whose email matches its
requester's (from the mirror CRM's events keep), the SLA policy of its priority and tier,
and an agent by its team's rule. Status ``pending`` (waiting on the customer) pauses its
SLA clocks until it leaves it.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors, invalid

from nexus_support._assign import pick_agent
from nexus_support._events import (
    TICKET_ASSIGNED,
    TICKET_CREATED,
    TicketAssigned,
    TicketCreated,
)
from nexus_support._sla import match_policy

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "TICKET_COLUMNS",
    "NewTicket",
    "Priority",
    "Status",
    "TicketOut",
    "assign",
    "contact_for",
    "open_ticket",
    "set_status",
    "ticket_out",
)

Priority = Literal["low", "normal", "high", "urgent"]
Status = Literal["new", "open", "pending", "solved", "merged"]
Channel = Literal["api", "web", "email"]

TICKET_COLUMNS = (
    "id, number, subject, status, priority, tier, channel, requester_email, requester_name, "
    "contact_ref, team_id, queue_id, assignee, tags, sla_policy_id, merged_into, "
    "first_responded_at, solved_at, created_at, updated_at"
)


class TicketOut(msgspec.Struct, kw_only=True):
    """A ticket as the API shows it."""

    id: UUID
    number: int
    subject: str
    status: Status
    priority: Priority
    tier: str
    channel: Channel
    requester_email: str | None
    requester_name: str | None
    contact_ref: UUID | None
    team_id: UUID | None
    queue_id: UUID | None
    assignee: UUID | None
    tags: list[str]
    sla_policy_id: UUID | None
    merged_into: UUID | None
    first_responded_at: datetime | None
    solved_at: datetime | None
    created_at: datetime
    updated_at: datetime


def ticket_out(row: Mapping[str, Any]) -> TicketOut:
    """A ticket row as :class:`TicketOut`."""
    return msgspec.convert(dict(row), TicketOut)


class NewTicket(msgspec.Struct, kw_only=True):
    """What opens a ticket, whatever the channel."""

    subject: str
    body: str
    channel: Channel
    priority: Priority = "normal"
    tier: str
    requester_email: str | None = None
    requester_name: str | None = None
    queue_id: UUID | None = None
    team_id: UUID | None = None
    assignee: UUID | None = None
    tags: list[str] = msgspec.field(default_factory=list)
    author: str | None = None
    rfc_message_id: str | None = None
    created_at: datetime


async def contact_for(conn: Connection, email: str | None) -> UUID | None:
    """The mirrored CRM contact with this email (case-insensitive), if any."""
    if not email:
        return None
    found = await conn.fetchval(
        "select id from support_contact where lower(email) = lower($1) "
        "order by updated_at desc limit 1",
        email,
    )
    return found if isinstance(found, UUID) else None


async def _team_of(conn: Connection, new: NewTicket) -> UUID | None:
    errors = FieldErrors()
    team_id = new.team_id
    if new.queue_id is not None:
        queue = await conn.fetchrow("select team_id from support_queue where id = $1", new.queue_id)
        if queue is None:
            errors.add("queue_id", "no such queue")
        elif team_id is None:
            team_id = queue["team_id"]
    if new.team_id is not None and not await conn.fetchval(
        "select exists (select 1 from support_team where id = $1)", new.team_id
    ):
        errors.add("team_id", "no such team")
    errors.raise_if_any()
    return team_id


async def open_ticket(conn: Connection, events: EventPublisher, new: NewTicket) -> TicketOut:
    """Open a ticket with its first message; publish its creation (and assignment)."""
    team_id = await _team_of(conn, new)
    number = await conn.fetchval(
        "update support_state set next_number = next_number + 1 returning next_number - 1"
    )
    ticket_id = new_id()
    rule = "manual"
    assignee = new.assignee
    if assignee is None and team_id is not None:
        assignee, rule = await pick_agent(conn, team_id)
    row = await conn.fetchrow(
        "insert into support_ticket (id, number, subject, status, priority, tier, channel, "
        "requester_email, requester_name, contact_ref, team_id, queue_id, assignee, tags, "
        "sla_policy_id, created_at, updated_at) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
        f"$10, $11, $12, $13, $14, $15, $16, $16) returning {TICKET_COLUMNS}",
        ticket_id,
        number,
        new.subject,
        "open" if assignee else "new",
        new.priority,
        new.tier,
        new.channel,
        new.requester_email,
        new.requester_name,
        await contact_for(conn, new.requester_email),
        team_id,
        new.queue_id,
        assignee,
        sorted(set(new.tags)),
        await match_policy(conn, new.priority, new.tier),
        new.created_at,
    )
    assert row is not None
    await conn.execute(
        "insert into support_message (id, ticket_id, kind, author, body, rfc_message_id, "
        "created_at) values ($1, $2, 'customer', $3, $4, $5, $6)",
        new_id(),
        ticket_id,
        new.author or new.requester_email,
        new.body,
        new.rfc_message_id,
        new.created_at,
    )
    ticket = ticket_out(row)
    created = TicketCreated(
        ticket_id=ticket.id,
        number=ticket.number,
        subject=ticket.subject,
        priority=ticket.priority,
        channel=ticket.channel,
        requester_email=ticket.requester_email,
        contact_ref=ticket.contact_ref,
        team_id=ticket.team_id,
        assignee=ticket.assignee,
    )
    await events.publish(conn, type=TICKET_CREATED, data=created, subject=str(ticket.id))
    if assignee is not None:
        assigned = TicketAssigned(
            ticket_id=ticket_id, assignee=assignee, team_id=team_id, rule=rule
        )
        await events.publish(conn, type=TICKET_ASSIGNED, data=assigned, subject=str(ticket_id))
    return ticket


async def assign(
    conn: Connection, events: EventPublisher, *, ticket: Mapping[str, Any], assignee: UUID | None
) -> TicketOut:
    """Assign a ticket to ``assignee``, or by its team's rule when ``None``."""
    rule = "manual"
    if assignee is None and ticket["team_id"] is not None:
        assignee, rule = await pick_agent(conn, ticket["team_id"])
    if assignee is None:
        invalid("assignee", "the ticket's team assigns nobody: name an agent")
    row = await conn.fetchrow(
        "update support_ticket set assignee = $2, status = case when status = 'new' then 'open' "
        f"else status end, updated_at = now() where id = $1 returning {TICKET_COLUMNS}",
        ticket["id"],
        assignee,
    )
    assert row is not None and assignee is not None
    data = TicketAssigned(ticket_id=row["id"], assignee=assignee, team_id=row["team_id"], rule=rule)
    await events.publish(conn, type=TICKET_ASSIGNED, data=data, subject=str(row["id"]))
    return ticket_out(row)


async def set_status(
    conn: Connection, *, ticket_id: UUID, old: str, new: str, at: datetime
) -> None:
    """Change a ticket's status, opening or closing its pause as it enters or leaves pending."""
    if old == new:
        return
    if new == "pending":
        await conn.execute(
            "insert into support_pause (id, ticket_id, started_at) values ($1, $2, $3)",
            new_id(),
            ticket_id,
            at,
        )
    elif old == "pending":
        await conn.execute(
            "update support_pause set ended_at = greatest($2, started_at) "
            "where ticket_id = $1 and ended_at is null",
            ticket_id,
            at,
        )
    await conn.execute(
        "update support_ticket set status = $2, updated_at = now(), "
        "solved_at = case when $2 = 'solved' then $3 when $2 = 'merged' then solved_at "
        "else null end where id = $1",
        ticket_id,
        new,
        at,
    )
