"""A ticket's conversation: public replies (sent through notify), internal notes, customers'.

A public reply gets a ``Message-ID`` of its own and ``In-Reply-To``/``References`` naming the
ticket's earlier messages, so the customer's answer threads back to the ticket (Mail's
inbound event carries them). The email goes out through notify's ``notify.send`` service
when notify is on; when it is off the reply is kept all the same (``delivery`` says so).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import ServiceUnavailable

from nexus_support._events import TICKET_REPLIED, TicketReplied

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import Connection, EventPublisher, Services

    from nexus_support._settings import SupportSettings

__all__ = (
    "send_survey",
    "MESSAGE_COLUMNS",
    "MessageOut",
    "Sent",
    "add_message",
    "message_out",
    "reply",
    "thread_ids",
)

Kind = Literal["public", "internal", "customer"]
MESSAGE_COLUMNS = "id, ticket_id, kind, author, body, rfc_message_id, delivery, created_at"


class MessageOut(msgspec.Struct, kw_only=True):
    """A message of a ticket.

    Attributes:
        kind: ``public`` (an agent's reply to the requester), ``internal`` (a note only
            agents see) or ``customer`` (the requester's).
        delivery: How a public reply was sent: ``notify:<message id>``, ``unavailable``
            (notify off) or ``no_address``.
    """

    id: UUID
    ticket_id: UUID
    kind: Kind
    author: str | None
    body: str
    rfc_message_id: str | None
    delivery: str | None
    created_at: datetime


class Sent(msgspec.Struct):
    """What Support reads of ``notify.send``'s answer."""

    message_id: UUID


def message_out(row: Mapping[str, Any]) -> MessageOut:
    """A message row as :class:`MessageOut`."""
    return msgspec.convert(dict(row), MessageOut)


async def add_message(
    conn: Connection,
    *,
    ticket_id: UUID,
    kind: Kind,
    author: str | None,
    body: str,
    rfc_message_id: str | None = None,
    delivery: str | None = None,
) -> MessageOut:
    """Add a message to a ticket, at the transaction's time."""
    row = await conn.fetchrow(
        "insert into support_message (id, ticket_id, kind, author, body, rfc_message_id, "
        "delivery, created_at) values ($1, $2, $3, $4, $5, $6, $7, now()) "
        f"returning {MESSAGE_COLUMNS}",
        new_id(),
        ticket_id,
        kind,
        author,
        body,
        rfc_message_id,
        delivery,
    )
    assert row is not None
    return message_out(row)


async def thread_ids(conn: Connection, ticket_id: UUID) -> list[str]:
    """The ``Message-ID`` of the ticket's messages, oldest first."""
    rows = await conn.fetch(
        "select rfc_message_id from support_message where ticket_id = $1 "
        "and rfc_message_id is not null order by created_at, id",
        ticket_id,
    )
    return [row["rfc_message_id"] for row in rows]


async def _send(
    conn: Connection,
    services: Services,
    settings: SupportSettings,
    *,
    ticket: Mapping[str, Any],
    body: str,
    headers: dict[str, str],
) -> str:
    if not ticket["requester_email"]:
        return "no_address"
    request = {
        "to": {
            key: value
            for key, value in (
                ("email", ticket["requester_email"]),
                ("name", ticket["requester_name"]),
            )
            if value
        },
        "subject": f"[#{ticket['number']}] {ticket['subject']}",
        "text": body,
        "data": {"ticket_number": ticket["number"]},
        "channels": ["email"],
        "category": "support.replies",
        "idempotency_key": headers["Message-ID"],
        "email_headers": headers,
        "source_ref": f"support.ticket:{ticket['id']}",
    }
    if settings.reply_from:
        request["reply_to"] = settings.reply_from
    try:
        sent = await services.call(conn, "notify.send", request, result=Sent)
    except ServiceUnavailable:
        return "unavailable"
    return f"notify:{sent.message_id}"


async def send_survey(
    conn: Connection,
    services: Services,
    settings: SupportSettings,
    *,
    ticket: Mapping[str, Any],
    token: str,
) -> str | None:
    """Email the satisfaction survey's link of a solved ticket, once (by its idempotency key).

    Returns how it went (``notify:<id>``, ``unavailable``, ``no_address``), or ``None``
    when the tenant set no ``survey_url``.
    """
    if settings.survey_url is None:
        return None
    if not ticket["requester_email"]:
        return "no_address"
    link = settings.survey_url.replace("{token}", token)
    request = {
        "to": {"email": ticket["requester_email"], "name": ticket["requester_name"] or None},
        "subject": f"[#{ticket['number']}] How did we do?",
        "text": f'Your request "{ticket["subject"]}" is solved. '
        f"Tell us how we did, in one click: {link}",
        "data": {"ticket_number": ticket["number"], "survey_link": link},
        "channels": ["email"],
        "category": "support.surveys",
        "idempotency_key": f"support.survey:{ticket['id']}",
        "source_ref": f"support.ticket:{ticket['id']}",
    }
    if settings.reply_from:
        request["reply_to"] = settings.reply_from
    try:
        sent = await services.call(conn, "notify.send", request, result=Sent)
    except ServiceUnavailable:
        return "unavailable"
    return f"notify:{sent.message_id}"


async def reply(
    conn: Connection,
    events: EventPublisher,
    services: Services,
    *,
    settings: SupportSettings,
    ticket: Mapping[str, Any],
    body: str,
    author: str | None,
) -> MessageOut:
    """Add an agent's public reply, email it to the requester, publish ``replied``.

    The first public reply stops the first-response clock.
    """
    message_id = new_id()
    rfc_id = f"<{message_id}.{ticket['number']}@{settings.message_id_domain}>"
    earlier = await thread_ids(conn, ticket["id"])
    headers = {"Message-ID": rfc_id}
    if earlier:
        headers["In-Reply-To"] = earlier[-1]
        headers["References"] = " ".join(earlier[-20:])
    delivery = await _send(conn, services, settings, ticket=ticket, body=body, headers=headers)
    message = await add_message(
        conn,
        ticket_id=ticket["id"],
        kind="public",
        author=author,
        body=body,
        rfc_message_id=rfc_id,
        delivery=delivery,
    )
    await conn.execute(
        "update support_ticket set first_responded_at = coalesce(first_responded_at, $2), "
        "updated_at = now() where id = $1",
        ticket["id"],
        message.created_at,
    )
    data = TicketReplied(
        ticket_id=ticket["id"],
        message_id=message.id,
        author=author,
        from_customer=False,
        rfc_message_id=rfc_id,
    )
    await events.publish(conn, type=TICKET_REPLIED, data=data, subject=str(ticket["id"]))
    return message
