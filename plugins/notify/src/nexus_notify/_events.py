"""The events Notifications publishes, and the Mail plugin's events it consumes.

Every send goes through the outbox: the ``notify.send`` service (and ``POST /messages``)
records a message and its deliveries and publishes ``notify.delivery.queued.v1`` per
delivery in the caller's transaction; notify's own handler of that event sends. Email with
the ``mail`` transport is handed to the Mail plugin as ``notify.email.requested.v1``, whose
outcome comes back as ``mail.outbound.*``.
"""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "DELIVERY_FAILED",
    "DELIVERY_QUEUED",
    "DELIVERY_SENT",
    "DELIVERY_STATUS",
    "EMAIL_REQUESTED",
    "MAIL_BOUNCED",
    "MAIL_FAILED",
    "MAIL_SENT",
    "DeliveryFailed",
    "DeliveryQueued",
    "DeliverySent",
    "DeliveryStatus",
    "EmailAttachment",
    "EmailRequested",
)

MAIL_SENT = "mail.outbound.sent.v1"
MAIL_FAILED = "mail.outbound.failed.v1"
MAIL_BOUNCED = "mail.outbound.bounced.v1"
"""The Mail plugin's outcomes of ``notify.email.requested.v1`` (no import of Mail)."""


class DeliveryQueued(msgspec.Struct, kw_only=True):
    """The ``data`` of ``notify.delivery.queued.v1``.

    Attributes:
        delivery_id: The delivery to send.
        message_id: Its message.
        channel: ``email``, ``sms``, ``whatsapp``, ``in_app`` or ``webhook``.
    """

    delivery_id: UUID
    message_id: UUID
    channel: str


class DeliverySent(msgspec.Struct, kw_only=True):
    """The ``data`` of ``notify.delivery.sent.v1``.

    Attributes:
        delivery_id: The delivery.
        message_id: Its message.
        channel: Its channel.
        provider: Who took it: ``twilio``, ``africastalking``, ``whatsapp``, ``mail``,
            ``smtp``, ``feed`` or ``webhook``.
        provider_ref: The provider's id of the message (Twilio's SID, …), if any.
        source_ref: The caller's reference of the message, if any.
    """

    delivery_id: UUID
    message_id: UUID
    channel: str
    provider: str
    provider_ref: str | None
    source_ref: str | None


class DeliveryFailed(msgspec.Struct, kw_only=True):
    """The ``data`` of ``notify.delivery.failed.v1``.

    Attributes:
        delivery_id: The delivery.
        message_id: Its message.
        channel: Its channel.
        error: Why, as the provider said it.
        dead: Whether it was dead-lettered after its attempts (else refused for good).
        source_ref: The caller's reference of the message, if any.
    """

    delivery_id: UUID
    message_id: UUID
    channel: str
    error: str
    dead: bool
    source_ref: str | None


class DeliveryStatus(msgspec.Struct, kw_only=True):
    """The ``data`` of ``notify.delivery.status_changed.v1``.

    Attributes:
        delivery_id: The delivery.
        message_id: Its message.
        channel: Its channel.
        status: The provider's news: ``delivered``, ``read``, ``undelivered``,
            ``bounced`` or ``complained``.
        detail: The provider's own status or error code, if any.
    """

    delivery_id: UUID
    message_id: UUID
    channel: str
    status: str
    detail: str | None


class EmailAttachment(msgspec.Struct, kw_only=True):
    """A file an email attaches: an object of the tenant's files store.

    Attributes:
        blob_key: Its key in the tenant's files store.
        filename: The name the recipient sees.
        content_type: Its media type.
        size: Its size in bytes when notify checked it.
    """

    blob_key: str
    filename: str
    content_type: str
    size: int


class EmailRequested(msgspec.Struct, kw_only=True):
    """The ``data`` of ``notify.email.requested.v1``: an email for the Mail plugin to send.

    Attributes:
        delivery_id: Notify's delivery; Mail answers it back as ``delivery_ref``.
        to_address: The recipient.
        to_name: The recipient's name, if known.
        from_address: The sender (the tenant's ``email_from``), if set.
        reply_to: Where replies go, if not the sender.
        subject: The subject.
        text: The plain text body.
        html: The HTML body, if any.
        headers: Extra headers (``Message-ID``, ``In-Reply-To``, ``List-Unsubscribe`` …).
        category: The message's category.
        attachments: Files of the tenant's files store to attach (Mail reads them there).
    """

    delivery_id: UUID
    to_address: str
    to_name: str | None
    from_address: str | None
    reply_to: str | None
    subject: str
    text: str
    html: str | None
    headers: dict[str, str]
    category: str
    attachments: list[EmailAttachment] = msgspec.field(default_factory=list)


DELIVERY_QUEUED = EventType(
    type="notify.delivery.queued.v1",
    description=(
        "A delivery of a message was recorded (or is due again): notify's handler sends it "
        "(subject: the delivery id)."
    ),
    payload=DeliveryQueued,
)
DELIVERY_SENT = EventType(
    type="notify.delivery.sent.v1",
    description="A delivery was accepted by its provider (subject: the delivery id).",
    payload=DeliverySent,
)
DELIVERY_FAILED = EventType(
    type="notify.delivery.failed.v1",
    description=(
        "A delivery was refused for good or dead-lettered after its attempts "
        "(subject: the delivery id)."
    ),
    payload=DeliveryFailed,
)
DELIVERY_STATUS = EventType(
    type="notify.delivery.status_changed.v1",
    description=(
        "A provider's verified status callback (or Mail's bounce) changed what is known of "
        "a sent delivery (subject: the delivery id)."
    ),
    payload=DeliveryStatus,
)
EMAIL_REQUESTED = EventType(
    type="notify.email.requested.v1",
    description=(
        "An email for the Mail plugin to send (email_transport mail); Mail answers with "
        "mail.outbound.sent/failed/bounced carrying delivery_ref (subject: the delivery id)."
    ),
    payload=EmailRequested,
)
