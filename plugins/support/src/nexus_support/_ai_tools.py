"""Support's tool for the tenant's assistants (``nexus_ai_tools``): open a ticket.

It opens the ticket through ``_tickets.open_ticket``, the code behind ``POST /tickets``:
the team's rule assigns it, the CRM contact is linked by the requester's email, and
``support.ticket.created.v1`` is published in the same transaction.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import msgspec
from nexus_hookspecs import ServiceContext, Tool, hookimpl

from nexus_support._fields import Body, Email, Name, Subject, Tag
from nexus_support._keys import TICKETS_WRITE
from nexus_support._tickets import NewTicket, Priority, open_ticket

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("OpenTicket", "nexus_ai_tools")


class OpenTicket(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A ticket to open for a customer: what it is about, and who asks."""

    subject: Subject
    body: Body
    priority: Priority = "normal"
    requester_email: Email | None = None
    requester_name: Name | None = None
    tags: Annotated[list[Tag], msgspec.Meta(max_length=20)] = msgspec.field(default_factory=list)


async def _open_ticket(data: OpenTicket, ctx: ServiceContext) -> Any:
    settings = await ctx.settings()
    now = await ctx.conn.fetchval("select now()")
    new = NewTicket(
        **msgspec.structs.asdict(data),
        tier=settings.default_tier,
        channel="api",
        created_at=now,
    )
    return await open_ticket(ctx.conn, ctx.events, new)


@hookimpl
def nexus_ai_tools(register: Callable[[Tool], None]) -> None:
    """Offer opening a ticket (a writing tool)."""
    register(
        Tool(
            name="support.tickets.open",
            description="Opens a support ticket for a customer (subject, description, "
            "priority, the requester's email and name); the team's rule assigns it.",
            input=OpenTicket,
            permission=TICKETS_WRITE,
            handler=_open_ticket,
            writes=True,
        )
    )
