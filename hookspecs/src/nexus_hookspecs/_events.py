"""Events as plugins see them: the CloudEvents envelope, declared types, time-ordered ids."""

from __future__ import annotations

import builtins
from datetime import datetime
from typing import Any
from uuid import UUID

import msgspec
import uuid_utils

__all__ = ("CloudEvent", "EventType", "new_id")


def _spec_version() -> str:
    return "1.0"


def _json() -> str:
    return "application/json"


class CloudEvent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One event: a CloudEvents 1.0 envelope with the ``tenantid`` extension.

    Event handlers receive this (``async def on_deal_won(event: CloudEvent) -> None``).
    Encoded, it always carries every required attribute (``specversion`` included); unset
    optional attributes (``subject``) are left out.

    Attributes:
        id: Unique per event (a UUIDv7, so ids sort by time).
        source: ``/nexus/<plugin>``: who published it.
        type: The versioned event type, ``crm.contact.created.v1``.
        time: When the write happened (UTC).
        tenantid: The tenant the event belongs to (the Kafka key, the inbox scope).
        specversion: Always ``1.0``.
        subject: What it is about, e.g. the record id.
        datacontenttype: The media type of ``data``.
        data: The payload (any JSON value; the shape its type declares in the catalogue).
    """

    id: str
    source: str
    type: str
    time: datetime
    tenantid: str
    # default_factory, not default: omit_defaults must never drop a required attribute.
    specversion: str = msgspec.field(default_factory=_spec_version)
    subject: str | None = None
    datacontenttype: str = msgspec.field(default_factory=_json)
    data: Any = None

    @property
    def plugin(self) -> str:
        """The publishing plugin (the last part of ``source``)."""
        return self.source.rsplit("/", 1)[-1]


class EventType(msgspec.Struct, frozen=True, kw_only=True):
    """An event type a plugin publishes, as the events catalogue shows it.

    Declare it in :attr:`Manifest.events <nexus_hookspecs.Manifest.events>`; the kernel
    publishes its payload's JSON Schema (``nexus events catalog``, ``docs/plugins/events.md``).

    Attributes:
        type: ``<plugin>.<thing>.<what happened>.v<N>``, e.g. ``crm.deal.won.v1``.
        description: When it is emitted, in one sentence.
        payload: The msgspec Struct describing ``data``, or ``None`` when undeclared.

    Example::

        class DealWon(msgspec.Struct, kw_only=True):
            id: UUID
            amount: str
            currency: str

        EventType(type="crm.deal.won.v1", description="A deal was won.", payload=DealWon)
    """

    type: str
    description: str = ""
    payload: builtins.type[msgspec.Struct] | None = None  # ``type`` is the field above


def new_id() -> UUID:
    """A new time-ordered id (UUIDv7), as ``TenantOwned`` tables give their rows.

    Use it for rows inserted with raw SQL, so that id-ordered keyset pages stay in
    creation order (``gen_random_uuid()`` would scatter them).
    """
    return UUID(str(uuid_utils.uuid7()))
