"""The events of an invoice's rendered PDF and of its sending by email (issue #21).

``finance.invoice.rendered.v1`` follows ``finance.invoice.posted.v1`` once Finance's own
handler stored the PDF in the tenant's files store; its payload is the shape every plugin
that renders a record's document publishes (Documents files each one).
``finance.invoice.sent.v1`` follows ``POST /invoices/{id}/send``.
"""

from __future__ import annotations

from datetime import date, datetime
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = ("INVOICE_RENDERED", "INVOICE_SENT", "InvoiceSent", "RecordRendered")


class RecordRendered(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.invoice.rendered.v1``: a record's document in the files store.

    Attributes:
        record_type: ``finance.invoice``.
        record_id: The invoice (or credit note).
        label: What a person calls it: its number (``INV/2026/00001``).
        blob_key: Its key in the tenant's files store (``finance/invoices/<id>.pdf``).
        filename: The file's name (``INV-2026-00001.pdf``).
        content_type: ``application/pdf``.
        size: Its size in bytes.
        partner_id: The customer.
        employee_id: Always ``None`` here (the field of HR's payslips).
        occurred_on: The document's date.
    """

    record_type: str
    record_id: UUID
    label: str
    blob_key: str
    filename: str
    content_type: str
    size: int
    partner_id: UUID | None
    employee_id: UUID | None
    occurred_on: date


class InvoiceSent(msgspec.Struct, kw_only=True):
    """The ``data`` of ``finance.invoice.sent.v1``.

    Attributes:
        id: The invoice.
        number: Its number.
        partner_id: Its customer.
        sent_to: The addresses it was sent to.
        message_ids: Notification's messages carrying it (one per address).
        sent_at: When it was handed to Notification.
    """

    id: UUID
    number: str
    partner_id: UUID
    sent_to: list[str]
    message_ids: list[UUID]
    sent_at: datetime


INVOICE_RENDERED = EventType(
    type="finance.invoice.rendered.v1",
    description=(
        "A posted invoice's or credit note's PDF was stored in the tenant's files store "
        "(finance/invoices/<id>.pdf) (subject: the invoice id)."
    ),
    payload=RecordRendered,
)
INVOICE_SENT = EventType(
    type="finance.invoice.sent.v1",
    description=(
        "A posted invoice was emailed with its PDF through Notification (subject: the invoice id)."
    ),
    payload=InvoiceSent,
)
