"""Emailing a posted invoice with its PDF through Notification's ``notify.send`` (issue #21).

The message comes from the tenant's Notification template ``finance.invoice`` when there
is one (its variables: ``number``, ``kind``, ``customer``, ``company``, ``date``,
``due_date``, ``total``, ``amount_due`` (decimal strings, for ``money(currency)``) and
``currency``), else from the inline default below.
Each address gets its own message, keyed by the invoice, the request's key and the address,
so a retried request sends nothing twice.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar.exceptions import NotFoundException
from nexus_hookspecs.http import conflict, invalid, not_found

from nexus_finance._document_events import INVOICE_SENT, InvoiceSent
from nexus_finance._documents import Document, file_name, load_document
from nexus_finance._rendering import PDF, invoice_key, store_pdf

if TYPE_CHECKING:
    from nexus_hookspecs import BlobStore, Connection, EventPublisher, Services

__all__ = ("TEMPLATE", "InvoiceSendIn", "InvoiceSendOut", "send_invoice")

TEMPLATE = "finance.invoice"
"""The Notification template (and category) of an invoice's email."""
_Email = Annotated[str, msgspec.Meta(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]


class InvoiceSendIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Whom to email a posted invoice to.

    Attributes:
        to: The addresses; none: the customer's email.
        locale: The locale the template renders in (else Notification's default).
    """

    to: Annotated[list[_Email], msgspec.Meta(max_length=10)] | None = None
    locale: Annotated[str, msgspec.Meta(max_length=35)] | None = None


class DeliveryOut(msgspec.Struct, kw_only=True):
    """One delivery of one message, as Notification answered."""

    id: UUID
    channel: str
    state: str


class SentMessage(msgspec.Struct, kw_only=True):
    """The message to one address."""

    address: str
    message_id: UUID
    deliveries: list[DeliveryOut]


class InvoiceSendOut(msgspec.Struct, kw_only=True):
    """What was sent: when, to whom, and each message's deliveries (``queued`` at first)."""

    invoice_id: UUID
    sent_at: datetime
    sent_to: list[str]
    messages: list[SentMessage]


class _Sent(msgspec.Struct):
    message_id: UUID
    deliveries: list[DeliveryOut]


def _money(value: str) -> str:
    return f"{Decimal(value):,.2f}"


def _variables(document: Document) -> dict[str, Any]:
    return {
        "number": document.number,
        "kind": document.kind,
        "customer": document.buyer.name,
        "company": document.seller.name,
        "date": document.date.isoformat(),
        "due_date": document.due_date.isoformat(),
        "total": str(document.total),
        "amount_due": str(document.total - document.amount_paid),
        "currency": document.currency,
    }


def _inline(v: dict[str, Any]) -> dict[str, str]:
    """The message when the tenant has no ``finance.invoice`` template."""
    what = "Credit note" if v["kind"] == "credit_note" else "Invoice"
    text = (
        f"Dear {v['customer']},\n\n"
        f"please find attached {what.lower()} {v['number']} of {v['date']} for "
        f"{_money(v['total'])} {v['currency']}"
        + (f", due on {v['due_date']}" if v["kind"] == "invoice" else "")
        + f".\n\nAmount due: {_money(v['amount_due'])} {v['currency']}\n\n"
        f"Kind regards,\n{v['company']}\n"
    )
    return {"subject": f"{what} {v['number']} from {v['company']}", "text": text}


async def _notify(
    conn: Connection, services: Services, request: dict[str, Any], inline: dict[str, str]
) -> _Sent:
    try:
        return await services.call(
            conn, "notify.send", {**request, "template": TEMPLATE}, result=_Sent
        )
    except NotFoundException:  # no finance.invoice template: the default text
        return await services.call(conn, "notify.send", {**request, **inline}, result=_Sent)


async def send_invoice(
    conn: Connection,
    *,
    services: Services,
    events: EventPublisher,
    blobs: BlobStore,
    invoice_id: UUID,
    data: InvoiceSendIn,
    request_key: str | None,
) -> InvoiceSendOut:
    """Email the posted invoice with its PDF to ``data.to`` or its customer; record it."""
    row = await conn.fetchrow(
        "select i.id, i.kind, i.state, i.number, i.partner_id, i.sent_key, i.sent_at, "
        "i.sent_to, i.sent_delivery, p.email from finance_invoice i "
        "join finance_partner p on p.id = i.partner_id where i.id = $1 for update of i",
        invoice_id,
    )
    if row is None:
        not_found()
    if row["kind"] == "bill":
        conflict("a bill is the supplier's document: it is not sent")
    if row["state"] in ("draft", "cancelled"):
        conflict(f"the {row['kind'].replace('_', ' ')} is {row['state']}: post it first")
    if request_key is not None and row["sent_key"] == request_key:
        return _out(invoice_id, row["sent_at"], row["sent_to"], row["sent_delivery"])
    if not await services.available(conn, "notify.send"):
        conflict(
            "Notifications is off for the tenant: the invoice cannot be emailed",
            blocking=["notify"],
        )
    addresses = list(dict.fromkeys(a.strip().lower() for a in (data.to or [row["email"] or ""])))
    if addresses == [""]:
        invalid("to", "the customer has no email address: give one")
    try:
        await blobs.stat(invoice_key(invoice_id))
        document = await load_document(conn, invoice_id)
    except KeyError:  # posted moments ago: its handler has not rendered it yet
        document, _size = await store_pdf(conn, blobs, invoice_id)
    variables = _variables(document)
    inline = _inline(variables)
    attachment = {
        "blob_key": invoice_key(invoice_id),
        "filename": file_name(document, "pdf"),
        "content_type": PDF,
    }
    key = request_key or secrets.token_urlsafe(12)
    messages: list[SentMessage] = []
    for address in addresses:
        request = {
            "to": {"email": address, "name": document.buyer.name, "locale": data.locale},
            "category": TEMPLATE,
            "data": variables,
            "attachments": [attachment],
            "idempotency_key": f"finance.invoice:{invoice_id}:{key}:{address}"[:200],
            "source_ref": f"finance.invoice:{invoice_id}",
        }
        sent = await _notify(conn, services, request, inline)
        messages.append(
            SentMessage(address=address, message_id=sent.message_id, deliveries=sent.deliveries)
        )
    sent_at = datetime.now(UTC)
    delivery = msgspec.json.encode(messages).decode()
    await conn.execute(
        "update finance_invoice set sent_at = $2, sent_to = $3, sent_delivery = $4::jsonb, "
        "sent_key = $5 where id = $1",
        invoice_id,
        sent_at,
        addresses,
        delivery,
        request_key,
    )
    await events.publish(
        conn,
        type=INVOICE_SENT.type,
        subject=str(invoice_id),
        data=InvoiceSent(
            id=invoice_id,
            number=str(row["number"]),
            partner_id=row["partner_id"],
            sent_to=addresses,
            message_ids=[m.message_id for m in messages],
            sent_at=sent_at,
        ),
    )
    return InvoiceSendOut(
        invoice_id=invoice_id, sent_at=sent_at, sent_to=addresses, messages=messages
    )


def _out(invoice_id: UUID, sent_at: datetime, sent_to: list[str], delivery: Any) -> InvoiceSendOut:
    messages = msgspec.json.decode(delivery) if isinstance(delivery, (str, bytes)) else delivery
    return InvoiceSendOut(
        invoice_id=invoice_id,
        sent_at=sent_at,
        sent_to=list(sent_to),
        messages=msgspec.convert(messages, list[SentMessage]),
    )
