"""The events Support publishes and the peer events it consumes.

Every event is published in the transaction that makes the change (the outbox); the
subject is the ticket id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "CONTACT_CREATED",
    "CONTACT_UPDATED",
    "CSAT_ANSWERED",
    "MAIL_RECEIVED",
    "SLA_BREACHED",
    "SLA_WARNING",
    "TICKET_ASSIGNED",
    "TICKET_CREATED",
    "TICKET_REPLIED",
    "TICKET_SOLVED",
    "CsatAnswered",
    "SlaAlert",
    "TicketAssigned",
    "TicketCreated",
    "TicketReplied",
    "TicketSolved",
)

CONTACT_CREATED = "crm.contact.created.v1"
CONTACT_UPDATED = "crm.contact.updated.v1"
"""CRM's contact events: Support keeps a mirror of contacts by email."""

MAIL_RECEIVED = "mail.message.received.v1"
"""Mail's inbound message: a new ticket or a customer's reply on one."""


class TicketCreated(msgspec.Struct, kw_only=True):
    """The ``data`` of ``support.ticket.created.v1``.

    Attributes:
        ticket_id: The ticket.
        number: Its number in the tenant (``#42``).
        subject: Its subject.
        priority: ``low``, ``normal``, ``high`` or ``urgent``.
        channel: ``api``, ``web`` (the public form) or ``email``.
        requester_email: The requester's address, if known.
        contact_ref: The CRM contact whose email matches the requester's, if any.
        team_id: The team that works it, if any.
        assignee: The agent (user id) it was assigned to, if any.
    """

    ticket_id: UUID
    number: int
    subject: str
    priority: str
    channel: str
    requester_email: str | None
    contact_ref: UUID | None
    team_id: UUID | None
    assignee: UUID | None


class TicketAssigned(msgspec.Struct, kw_only=True):
    """The ``data`` of ``support.ticket.assigned.v1``.

    Attributes:
        ticket_id: The ticket.
        assignee: The agent (user id) now working it.
        team_id: Its team, if any.
        rule: ``round_robin``, ``load`` or ``manual``: how the agent was chosen.
    """

    ticket_id: UUID
    assignee: UUID
    team_id: UUID | None
    rule: str


class TicketReplied(msgspec.Struct, kw_only=True):
    """The ``data`` of ``support.ticket.replied.v1``.

    Attributes:
        ticket_id: The ticket.
        message_id: The reply.
        author: Who wrote it (the agent, or the requester's address).
        from_customer: Whether the requester wrote it (inbound mail).
        rfc_message_id: The ``Message-ID`` of the reply's email.
    """

    ticket_id: UUID
    message_id: UUID
    author: str | None
    from_customer: bool
    rfc_message_id: str | None


class TicketSolved(msgspec.Struct, kw_only=True):
    """The ``data`` of ``support.ticket.solved.v1``.

    Attributes:
        ticket_id: The ticket.
        number: Its number.
        requester_email: Whom to ask for satisfaction, if known.
        solved_at: When.
        csat_token: The signed token of its satisfaction link
            (``/api/v1/support/public/{tenant}/csat/{token}``).
    """

    ticket_id: UUID
    number: int
    requester_email: str | None
    solved_at: datetime
    csat_token: str


class SlaAlert(msgspec.Struct, kw_only=True):
    """The ``data`` of ``support.sla.breached.v1`` and ``support.sla.warning.v1``.

    Attributes:
        ticket_id: The ticket.
        policy_id: The SLA policy it is measured against.
        metric: ``first_response`` or ``resolution``.
        target_minutes: The target, in business minutes.
        elapsed_minutes: Business minutes counted at the check (pauses excluded).
        due_at: When the target falls due (or fell due), at the check; ``null`` when the
            calendar does not reach it within three years.
        checked_at: The check's "now".
    """

    ticket_id: UUID
    policy_id: UUID
    metric: Literal["first_response", "resolution"]
    target_minutes: int
    elapsed_minutes: int
    due_at: datetime | None
    checked_at: datetime


class CsatAnswered(msgspec.Struct, kw_only=True):
    """The ``data`` of ``support.csat.answered.v1``.

    Attributes:
        ticket_id: The ticket.
        rating: 1 (very unhappy) to 5 (very happy).
        comment: What the customer wrote, if anything.
    """

    ticket_id: UUID
    rating: int
    comment: str | None


TICKET_CREATED = EventType(
    type="support.ticket.created.v1",
    description="A ticket was opened: through the API, the public form or inbound email.",
    payload=TicketCreated,
)
TICKET_ASSIGNED = EventType(
    type="support.ticket.assigned.v1",
    description="A ticket was assigned to an agent, by a rule or by hand.",
    payload=TicketAssigned,
)
TICKET_REPLIED = EventType(
    type="support.ticket.replied.v1",
    description="A public reply was added to a ticket, by an agent or by its requester.",
    payload=TicketReplied,
)
TICKET_SOLVED = EventType(
    type="support.ticket.solved.v1",
    description="A ticket was solved; carries the token of its satisfaction link.",
    payload=TicketSolved,
)
SLA_BREACHED = EventType(
    type="support.sla.breached.v1",
    description="A ticket missed its first-response or resolution target (business hours).",
    payload=SlaAlert,
)
SLA_WARNING = EventType(
    type="support.sla.warning.v1",
    description="A ticket used its policy's warning share of a target (near breach).",
    payload=SlaAlert,
)
CSAT_ANSWERED = EventType(
    type="support.csat.answered.v1",
    description="A customer answered the satisfaction survey of a solved ticket.",
    payload=CsatAnswered,
)
