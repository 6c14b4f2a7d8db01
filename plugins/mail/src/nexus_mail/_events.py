"""The events Mail publishes and the one it consumes.

``mail.message.received.v1`` is what Support turns into tickets; the three
``mail.outbound.*`` events tell Notification what became of an email it asked for
(``delivery_ref`` is its delivery id). Every one is published in the transaction that
records what it reports.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "EMAIL_REQUESTED",
    "MESSAGE_RECEIVED",
    "OUTBOUND_BOUNCED",
    "OUTBOUND_FAILED",
    "OUTBOUND_SENT",
    "AttachmentRef",
    "AuthResults",
    "MessageReceived",
    "OutboundBounced",
    "OutboundFailed",
    "OutboundSent",
)

EMAIL_REQUESTED = "notify.email.requested.v1"
"""Notification's request to send one email (consumed; no import of Notification)."""


class AttachmentRef(msgspec.Struct, kw_only=True):
    """An attachment of a received message.

    Attributes:
        key: Its key in the tenant's files store (``mail/attachments/<id>``); also
            downloadable at ``GET /api/v1/mail/attachments/<id>``.
        filename: Its file name.
        content_type: Its media type.
        size: Its size in bytes.
    """

    key: str
    filename: str
    content_type: str
    size: int


class AuthResults(msgspec.Struct, kw_only=True):
    """The sender checks of a received message: ``pass``, ``fail``, ``none``, ``softfail``….

    Attributes:
        spf: SPF of the envelope sender and the connecting address.
        dkim: The first DKIM signature's result.
        dmarc: DMARC alignment under the From domain's policy.
    """

    spf: str
    dkim: str
    dmarc: str


class MessageReceived(msgspec.Struct, kw_only=True):
    """The ``data`` of ``mail.message.received.v1``.

    Attributes:
        message_id: Mail's id of the stored message.
        rfc_message_id: Its ``Message-ID`` header (angle brackets kept).
        from_address: The From address.
        from_name: The From display name, if any.
        to: The To addresses.
        cc: The Cc addresses.
        subject: The subject.
        text: The plain body (the HTML one as text when there is none), at most 100 000 chars.
        in_reply_to: The ``In-Reply-To`` Message-ID, if any.
        references: The ``References`` Message-IDs, oldest first.
        received_at: When it arrived.
        attachments: Its attachments.
        auth: The SPF, DKIM and DMARC results.
    """

    message_id: UUID
    rfc_message_id: str
    from_address: str
    from_name: str | None
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    in_reply_to: str | None
    references: list[str]
    received_at: datetime
    attachments: list[AttachmentRef]
    auth: AuthResults


class OutboundSent(msgspec.Struct, kw_only=True):
    """The ``data`` of ``mail.outbound.sent.v1``.

    Attributes:
        message_id: Mail's id of the sent message.
        delivery_ref: Notification's delivery id, or ``None`` for mail sent from Mail's API.
        rfc_message_id: The ``Message-ID`` it went out with.
        to: The recipients the relay accepted.
    """

    message_id: UUID
    delivery_ref: str | None
    rfc_message_id: str
    to: list[str]


class OutboundFailed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``mail.outbound.failed.v1``.

    Attributes:
        message_id: Mail's id of the message.
        delivery_ref: Notification's delivery id, if it asked.
        error: What went wrong.
        permanent: ``True`` when retrying cannot help (refused recipient, suppressed address,
            no sending domain); ``False`` for a relay that could not be reached.
    """

    message_id: UUID
    delivery_ref: str | None
    error: str
    permanent: bool


class OutboundBounced(msgspec.Struct, kw_only=True):
    """The ``data`` of ``mail.outbound.bounced.v1``.

    Attributes:
        message_id: Mail's id of the message that bounced.
        delivery_ref: Notification's delivery id, if it asked.
        recipient: The address that bounced or complained.
        kind: ``bounce`` (a delivery status notification) or ``complaint`` (an ARF report).
        status: The DSN status code (``5.1.1``), if given.
        diagnostic: The remote server's diagnostic, if given.
    """

    message_id: UUID
    delivery_ref: str | None
    recipient: str
    kind: Literal["bounce", "complaint"]
    status: str | None
    diagnostic: str | None


MESSAGE_RECEIVED = EventType(
    type="mail.message.received.v1",
    description=(
        "An inbound message was received for the tenant and stored: its addresses, subject, "
        "plain text, threading headers, attachments and SPF/DKIM/DMARC results (subject: "
        "Mail's message id)."
    ),
    payload=MessageReceived,
)
OUTBOUND_SENT = EventType(
    type="mail.outbound.sent.v1",
    description=(
        "An outbound message was DKIM-signed and accepted by the relay (subject: Mail's "
        "message id)."
    ),
    payload=OutboundSent,
)
OUTBOUND_FAILED = EventType(
    type="mail.outbound.failed.v1",
    description=(
        "An outbound message could not be sent: the relay refused it or could not be "
        "reached, the recipient is suppressed, or no domain can sign it (subject: Mail's "
        "message id)."
    ),
    payload=OutboundFailed,
)
OUTBOUND_BOUNCED = EventType(
    type="mail.outbound.bounced.v1",
    description=(
        "A sent message bounced (a delivery status notification) or drew a complaint (an "
        "ARF report); the address is suppressed (subject: Mail's message id)."
    ),
    payload=OutboundBounced,
)
