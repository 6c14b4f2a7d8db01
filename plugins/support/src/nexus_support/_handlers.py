"""Event handlers: CRM's contacts (the requester mirror) and Mail's inbound messages."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog

from nexus_support._events import TICKET_REPLIED, TicketReplied
from nexus_support._messages import add_message
from nexus_support._tickets import TICKET_COLUMNS, NewTicket, open_ticket, set_status

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, Connection, EventContext

    from nexus_support._settings import SupportSettings

__all__ = ("contact_changed", "mail_received")

log = structlog.get_logger("nexus_support")

_REFERENCE = re.compile(r"\[#(\d{1,18})\]")


def _uuid(value: Any) -> UUID | None:
    try:
        return UUID(str(value)) if value else None
    except ValueError:
        return None


async def contact_changed(event: CloudEvent, ctx: EventContext) -> None:
    """Keep the mirror of CRM contacts by email; link open tickets of that requester."""
    data: Mapping[str, Any] = event.data or {}
    contact_id = _uuid(data.get("id"))
    email = data.get("email")
    if contact_id is None:
        return
    if not isinstance(email, str) or "@" not in email:
        await ctx.conn.execute("delete from support_contact where id = $1", contact_id)
        return
    name = " ".join(str(data.get(key) or "") for key in ("first_name", "last_name")).strip()
    await ctx.conn.execute(
        "insert into support_contact (id, email, name) values ($1, $2, $3) "
        "on conflict (tenant_id, id) do update set email = excluded.email, "
        "name = excluded.name, updated_at = now()",
        contact_id,
        email[:254],
        name[:200],
    )
    await ctx.conn.execute(
        "update support_ticket set contact_ref = $1 where contact_ref is null "
        "and lower(requester_email) = lower($2)",
        contact_id,
        email,
    )


async def _thread_ticket(conn: Connection, data: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The ticket an inbound message answers: by its Message-ID references, else subject."""
    refs = [data.get("in_reply_to"), *(data.get("references") or [])]
    known = [ref for ref in refs if isinstance(ref, str) and ref]
    ticket_id = None
    if known:
        ticket_id = await conn.fetchval(
            "select ticket_id from support_message where rfc_message_id = any($1::text[]) "
            "order by created_at desc limit 1",
            known,
        )
    if ticket_id is None:
        found = _REFERENCE.search(str(data.get("subject") or ""))
        if found:
            ticket_id = await conn.fetchval(
                "select id from support_ticket where number = $1", int(found.group(1))
            )
    for _ in range(10):  # follow merges to the surviving ticket
        if ticket_id is None:
            return None
        row = await conn.fetchrow(
            f"select {TICKET_COLUMNS} from support_ticket where id = $1 for update", ticket_id
        )
        if row is None or row["merged_into"] is None:
            return row
        ticket_id = row["merged_into"]
    return None


def _addressed(data: Mapping[str, Any], settings: SupportSettings) -> bool:
    ours = {address.lower() for address in settings.inbound_addresses}
    recipients = [*(data.get("to") or []), *(data.get("cc") or [])]
    return any(isinstance(r, str) and r.lower() in ours for r in recipients)


def _received_at(value: Any) -> datetime:
    try:
        found = datetime.fromisoformat(str(value))
    except ValueError:
        return datetime.now(UTC)
    return found if found.tzinfo else found.replace(tzinfo=UTC)


async def mail_received(event: CloudEvent, ctx: EventContext) -> None:
    """Open a ticket from inbound mail to a support address, or add the customer's reply."""
    settings: SupportSettings = await ctx.settings()
    data: Mapping[str, Any] = event.data or {}
    if not _addressed(data, settings):
        return
    rfc_id = data.get("rfc_message_id") or None
    sender = str(data.get("from_address") or "")[:254] or None
    text = str(data.get("text") or "")[:100_000] or "(no text)"
    if rfc_id and await ctx.conn.fetchval(
        "select exists (select 1 from support_message where rfc_message_id = $1)", rfc_id
    ):
        return  # delivered again
    ticket = await _thread_ticket(ctx.conn, data)
    if ticket is None:
        subject = " ".join(str(data.get("subject") or "").split())[:200] or "(no subject)"
        new = NewTicket(
            subject=subject,
            body=text,
            channel="email",
            tier=settings.default_tier,
            requester_email=sender,
            requester_name=(str(data.get("from_name") or "")[:200] or None),
            rfc_message_id=rfc_id,
            created_at=_received_at(data.get("received_at")),
        )
        await open_ticket(ctx.conn, ctx.events, new)
        return
    message = await add_message(
        ctx.conn,
        ticket_id=ticket["id"],
        kind="customer",
        author=sender,
        body=text,
        rfc_message_id=rfc_id,
    )
    if ticket["status"] in ("pending", "solved"):
        await set_status(
            ctx.conn,
            ticket_id=ticket["id"],
            old=ticket["status"],
            new="open",
            at=message.created_at,
        )
    replied = TicketReplied(
        ticket_id=ticket["id"],
        message_id=message.id,
        author=sender,
        from_customer=True,
        rfc_message_id=rfc_id,
    )
    await ctx.events.publish(ctx.conn, type=TICKET_REPLIED, data=replied, subject=str(ticket["id"]))
