"""The ``notify.send`` request and answer (contract P), shared by the service and the API."""

from __future__ import annotations

from typing import Annotated, Any, Literal
from uuid import UUID

import msgspec

__all__ = (
    "MAX_ATTACHMENTS",
    "Attachment",
    "Channel",
    "DeliveryRef",
    "Recipient",
    "SendRequest",
    "SendResult",
)

Channel = Literal["email", "sms", "whatsapp", "in_app"]
_Line = Annotated[str, msgspec.Meta(max_length=500)]
MAX_ATTACHMENTS = 10
"""The most files one message attaches."""


class Recipient(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who a message is for: a user, an address, a phone, or several of them."""

    user_id: UUID | None = None
    email: _Line | None = None
    phone: Annotated[str, msgspec.Meta(pattern=r"^\+[1-9][0-9]{6,14}$")] | None = None
    name: _Line | None = None
    locale: Annotated[str, msgspec.Meta(max_length=35)] | None = None
    time_zone: Annotated[str, msgspec.Meta(max_length=64)] | None = None


class Attachment(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A file of the tenant's files store the email channel attaches to the message.

    Other channels ignore it. Its size is checked when the email is sent: over the
    tenant's ``max_attachment_bytes`` (all the message's files together), the delivery
    fails for good, naming the file.
    """

    blob_key: Annotated[str, msgspec.Meta(min_length=1, max_length=500)]
    filename: Annotated[
        str, msgspec.Meta(min_length=1, max_length=255, pattern=r"^[^/\\\x00-\x1f]+$")
    ]
    content_type: Annotated[
        str, msgspec.Meta(max_length=127, pattern=r"^[a-zA-Z0-9!#$&^_.+-]+/[a-zA-Z0-9!#$&^_.+-]+$")
    ] = "application/octet-stream"


class SendRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A message to send: a tenant template (``template``) or inline content."""

    to: Recipient
    category: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    template: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    subject: Annotated[str, msgspec.Meta(max_length=1000)] | None = None
    text: Annotated[str, msgspec.Meta(max_length=100_000)] | None = None
    html: Annotated[str, msgspec.Meta(max_length=500_000)] | None = None
    data: dict[str, Any] = msgspec.field(default_factory=dict)
    channels: list[Channel] | None = None
    idempotency_key: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] | None = None
    reply_to: _Line | None = None
    email_headers: dict[str, str] = msgspec.field(default_factory=dict)
    source_ref: _Line | None = None
    attachments: Annotated[list[Attachment], msgspec.Meta(max_length=MAX_ATTACHMENTS)] = (
        msgspec.field(default_factory=list)
    )


class DeliveryRef(msgspec.Struct, kw_only=True):
    """One delivery of the message: its id, channel and state."""

    id: UUID
    channel: str
    state: str


class SendResult(msgspec.Struct, kw_only=True):
    """The recorded message and its deliveries."""

    message_id: UUID
    deliveries: list[DeliveryRef]
