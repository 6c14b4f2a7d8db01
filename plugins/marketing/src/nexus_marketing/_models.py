"""Request and response bodies of the marketing routes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

import msgspec

__all__ = (
    "CampaignIn",
    "CampaignOut",
    "Channel",
    "ConsentIn",
    "ConsentOut",
    "ContactOut",
    "ListIn",
    "ListOut",
    "MembersIn",
    "Report",
    "Variant",
    "SegmentIn",
    "SegmentOut",
)

Channel = Literal["email", "sms", "whatsapp"]
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
Tags = Annotated[
    list[Annotated[str, msgspec.Meta(min_length=1, max_length=100)]], msgspec.Meta(max_length=50)
]


class ContactOut(msgspec.Struct, kw_only=True):
    """A contact as Marketing knows it from CRM."""

    id: UUID
    email: str | None
    phone: str | None
    name: str
    tags: list[str]
    time_zone: str | None


class ConsentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Ask a contact to confirm they want messages on a channel (double opt-in)."""

    contact_id: UUID
    channel: Channel = "email"
    source: Annotated[str, msgspec.Meta(min_length=1, max_length=200)] = "api"


class ConsentOut(msgspec.Struct, kw_only=True):
    """A contact's consent on a channel and its proof."""

    contact_id: UUID
    channel: str
    state: str
    source: str
    requested_at: datetime
    requested_ip: str | None
    confirmed_at: datetime | None
    confirmed_ip: str | None
    confirmed_agent: str | None
    changed_at: datetime
    reason: str | None


class ListIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A static list."""

    name: Name


class ListOut(msgspec.Struct, kw_only=True):
    """A static list and how many contacts it holds."""

    id: UUID
    name: str
    members: int
    created_at: datetime


class MembersIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Contacts to add to a list."""

    contact_ids: Annotated[list[UUID], msgspec.Meta(min_length=1, max_length=1000)]


class SegmentIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A saved dynamic filter over the contacts.

    Contacts with all of ``tags_all``, any of ``tags_any``, an
    email at ``email_domain``, on ``list_id`` (each optional, all together).
    """

    name: Name
    tags_all: Tags = msgspec.field(default_factory=list)
    tags_any: Tags = msgspec.field(default_factory=list)
    email_domain: Annotated[str, msgspec.Meta(min_length=1, max_length=253)] | None = None
    list_id: UUID | None = None


class SegmentOut(msgspec.Struct, kw_only=True):
    """A segment."""

    id: UUID
    name: str
    tags_all: list[str]
    tags_any: list[str]
    email_domain: str | None
    list_id: UUID | None
    created_at: datetime


class CampaignIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A campaign to a segment, a list, or (neither given) every contact it may reach.

    ``subject_b`` makes an A/B test of subjects (every
    other recipient gets it). ``{{ name }}``, ``{{ first_name }}``, ``{{ email }}`` and
    ``{{ phone }}`` personalize the subject and bodies.
    """

    name: Name
    channel: Channel = "email"
    segment_id: UUID | None = None
    list_id: UUID | None = None
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None
    subject_b: Annotated[str, msgspec.Meta(min_length=1, max_length=300)] | None = None
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=100_000)]
    html: Annotated[str, msgspec.Meta(max_length=500_000)] | None = None
    rate_per_minute: Annotated[int, msgspec.Meta(ge=1, le=100_000)] | None = None
    local_time: Annotated[str, msgspec.Meta(pattern=r"^([01][0-9]|2[0-3]):[0-5][0-9]$")] | None = (
        None
    )
    """``HH:MM``: each recipient gets the campaign at this hour in the contact's time zone
    (the ``default_time_zone`` setting when unknown), its next occurrence after the send."""


class CampaignOut(msgspec.Struct, kw_only=True):
    """A campaign."""

    id: UUID
    name: str
    channel: str
    segment_id: UUID | None
    list_id: UUID | None
    subject: str | None
    subject_b: str | None
    status: str
    rate_per_minute: int
    local_time: str | None = None
    recipients: int
    created_at: datetime
    started_at: datetime | None


class Variant(msgspec.Struct, kw_only=True):
    """One subject's numbers in a campaign."""

    variant: str
    recipients: int
    sent: int
    opened: int
    clicked: int


class Report(msgspec.Struct, kw_only=True):
    """A campaign's numbers.

    Sent, skipped (unsubscribed since), opened, clicked, bounced,
    unsubscribed, per subject variant too.
    """

    campaign_id: UUID
    status: str
    recipients: int
    sent: int
    skipped: int
    opened: int
    clicked: int
    bounced: int
    unsubscribed: int
    variants: list[Variant]
