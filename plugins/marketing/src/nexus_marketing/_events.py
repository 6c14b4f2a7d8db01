"""The events Marketing publishes, and the CRM and notify events it consumes."""

from __future__ import annotations

from uuid import UUID

import msgspec
from nexus_hookspecs import EventType

__all__ = (
    "BATCH_QUEUED",
    "CONSENT_CHANGED",
    "CONTACT_CREATED",
    "CONTACT_UPDATED",
    "DELIVERY_STATUS",
    "BatchQueued",
    "ConsentChanged",
)

CONTACT_CREATED = "crm.contact.created.v1"
CONTACT_UPDATED = "crm.contact.updated.v1"
"""CRM's contact events: Marketing keeps a projection of the contacts."""

DELIVERY_STATUS = "notify.delivery.status_changed.v1"
"""Notify's provider news: a bounce or complaint suppresses the address."""


class BatchQueued(msgspec.Struct, kw_only=True):
    """The ``data`` of ``marketing.batch.queued.v1``.

    Attributes:
        batch_id: The batch to send.
        campaign_id: Its campaign.
        number: Its position in the campaign (0 first).
    """

    batch_id: UUID
    campaign_id: UUID
    number: int


class ConsentChanged(msgspec.Struct, kw_only=True):
    """The ``data`` of ``marketing.consent.changed.v1``.

    Attributes:
        contact_id: The contact.
        channel: ``email``, ``sms`` or ``whatsapp``.
        state: ``pending``, ``confirmed``, ``unsubscribed`` or ``suppressed``.
    """

    contact_id: UUID
    channel: str
    state: str


BATCH_QUEUED = EventType(
    type="marketing.batch.queued.v1",
    description=(
        "A batch of a campaign's recipients was queued: marketing's handler sends it through "
        "notify when it is due (subject: the batch id)."
    ),
    payload=BatchQueued,
)
CONSENT_CHANGED = EventType(
    type="marketing.consent.changed.v1",
    description="A contact's consent for a channel changed (subject: the contact id).",
    payload=ConsentChanged,
)
