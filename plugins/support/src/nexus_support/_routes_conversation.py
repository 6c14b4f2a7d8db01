"""A ticket's conversation and measures: replies, notes, messages, suggestions, SLA."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec
from litestar import Controller, get, post
from litestar.params import FromPath
from nexus_hookspecs.http import (
    Context,
    Db,
    Events,
    Services,
    TenantSettings,
    invalid,
    not_found,
    route_opt,
)

from nexus_support._examples import body
from nexus_support._fields import Body, Instant
from nexus_support._kb import Hit, suggest
from nexus_support._keys import TICKETS_READ, TICKETS_WRITE
from nexus_support._lifecycle import load, solve
from nexus_support._messages import MESSAGE_COLUMNS, MessageOut, add_message, message_out, reply
from nexus_support._settings import SupportSettings
from nexus_support._sla import Clock, calendar_for, measure, pauses_of, policy_row
from nexus_support._tickets import set_status

__all__ = ("ConversationController",)


class ReplyIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A public reply: ``body``, or a canned response filled in for this ticket.

    ``status`` moves the ticket on with the reply: ``pending`` waits on the customer (the
    SLA pauses), ``solved`` solves it.
    """

    body: Body | None = None
    canned_id: UUID | None = None
    status: Literal["open", "pending", "solved"] = "open"


class NoteIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An internal note: agents see it, the requester never does."""

    body: Body


class SlaOut(msgspec.Struct, kw_only=True):
    """A ticket's SLA at an instant: its policy and both clocks (business minutes)."""

    policy_id: UUID | None
    measured_at: datetime
    paused: bool
    clocks: list[Clock]


def _fill(template: str, ticket: dict[str, object]) -> str:
    filled = template
    for key in ("requester_name", "requester_email", "subject", "number"):
        value = ticket.get(key)
        name = "ticket_number" if key == "number" else key
        filled = filled.replace("{{" + name + "}}", "" if value is None else str(value))
    return filled


class ConversationController(Controller):
    """A ticket's messages, suggested articles and SLA."""

    path = "/tickets/{ticket_id:uuid}"
    tags = ["support: tickets"]

    @post("/replies", opt=route_opt(permission=TICKETS_WRITE))
    async def add_reply(
        self,
        db: Db,
        events: Events,
        services: Services,
        context: Context,
        settings: TenantSettings[SupportSettings],
        ticket_id: FromPath[UUID],
        data: Annotated[ReplyIn, body("POST /tickets/{ticket_id}/replies", "Answer and wait")],
    ) -> MessageOut:
        """Reply to the requester; the first reply stops the first-response clock.

        Emailed through notify when it is on (threaded with ``Message-ID`` and
        ``In-Reply-To``), kept either way.

        Publishes ``support.ticket.replied.v1`` (and ``solved`` with ``status: solved``).
        """
        async with db.transaction() as conn:
            row = await load(conn, ticket_id)
            if row is None or context.tenant_id is None:
                not_found()
            text = data.body
            if data.canned_id is not None:
                canned = await conn.fetchval(
                    "select body from support_canned where id = $1", data.canned_id
                )
                if canned is None:
                    invalid("canned_id", "no such canned response")
                text = _fill(canned, dict(row))
            if not text:
                invalid("body", "give a body or a canned_id")
            if row["status"] == "merged":
                invalid("ticket_id", "the ticket was merged: reply on the ticket it went into")
            message = await reply(
                conn,
                events,
                services,
                settings=settings,
                ticket=row,
                body=text,
                author=context.actor,
            )
            if data.status == "solved" and row["status"] != "solved":
                await solve(
                    conn,
                    events,
                    ticket=row,
                    tenant_id=context.tenant_id,
                    at=message.created_at,
                    services=services,
                    settings=settings,
                )
            else:
                await set_status(
                    conn,
                    ticket_id=ticket_id,
                    old=row["status"],
                    new=data.status,
                    at=message.created_at,
                )
            return message

    @post("/notes", opt=route_opt(permission=TICKETS_WRITE))
    async def add_note(
        self,
        db: Db,
        context: Context,
        ticket_id: FromPath[UUID],
        data: Annotated[NoteIn, body("POST /tickets/{ticket_id}/notes", "A note for agents")],
    ) -> MessageOut:
        """Add an internal note (never sent; the SLA clocks do not stop)."""
        async with db.transaction() as conn:
            if await load(conn, ticket_id) is None:
                not_found()
            return await add_message(
                conn, ticket_id=ticket_id, kind="internal", author=context.actor, body=data.body
            )

    @get("/messages", opt=route_opt(permission=TICKETS_READ))
    async def list_messages(self, db: Db, ticket_id: FromPath[UUID]) -> list[MessageOut]:
        """The ticket's messages, oldest first: customer's, public replies, internal notes."""
        async with db.transaction() as conn:
            if await load(conn, ticket_id) is None:
                not_found()
            rows = await conn.fetch(
                f"select {MESSAGE_COLUMNS} from support_message where ticket_id = $1 "
                "order by created_at, id",
                ticket_id,
            )
        return [message_out(row) for row in rows]

    @get("/suggestions", opt=route_opt(permission=TICKETS_READ))
    async def suggestions(
        self, db: Db, settings: TenantSettings[SupportSettings], ticket_id: FromPath[UUID]
    ) -> list[Hit]:
        """Published articles that may answer the ticket (from its subject and first message)."""
        async with db.transaction() as conn:
            row = await load(conn, ticket_id)
            if row is None:
                not_found()
            first = await conn.fetchval(
                "select body from support_message where ticket_id = $1 and kind = 'customer' "
                "order by created_at, id limit 1",
                ticket_id,
            )
            text = f"{row['subject']} {first or ''}"
            return await suggest(conn, text, language=settings.kb_language)

    @get("/sla", opt=route_opt(permission=TICKETS_READ))
    async def show_sla(self, db: Db, ticket_id: FromPath[UUID], at: Instant = None) -> SlaOut:
        """The ticket's SLA clocks in business minutes, now or ``at`` a given instant."""
        async with db.transaction() as conn:
            row = await load(conn, ticket_id)
            if row is None:
                not_found()
            now = at or await conn.fetchval("select now()")
            if now.tzinfo is None:
                invalid("at", "give a time zone offset", source="query")
            pauses = await pauses_of(conn, ticket_id)
            policy = None
            if row["sla_policy_id"] is not None:
                policy = await policy_row(conn, row["sla_policy_id"])
            clocks: list[Clock] = []
            if policy is not None:
                calendar = await calendar_for(conn, policy["calendar_id"])
                clocks = measure(calendar, ticket=row, policy=policy, pauses=pauses, now=now)
        return SlaOut(
            policy_id=row["sla_policy_id"],
            measured_at=now,
            paused=bool(pauses and pauses[-1][1] is None),
            clocks=clocks,
        )
