"""The CloudEvents 1.0 envelope, in JSON structured mode, encoded with msgspec."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

import msgspec

__all__ = (
    "CONTENT_TYPE",
    "KERNEL_SOURCE",
    "TYPE_PATTERN",
    "CloudEvent",
    "decode_event",
    "encode_event",
    "topic_for",
)

CONTENT_TYPE = "application/cloudevents+json"
"""The media type of an encoded envelope (the Kafka record value, the outbox row)."""

KERNEL_SOURCE = "nexus"
"""The plugin name under which the kernel's own events are published."""

TYPE_PATTERN = re.compile(r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+\.v[0-9]+$")
"""Event types are dotted lower-case names ending in a version: ``crm.contact.created.v1``."""


class CloudEvent(msgspec.Struct, frozen=True, kw_only=True, omit_defaults=True):
    """One event: a CloudEvents 1.0 envelope with the ``tenantid`` extension.

    Attributes:
        id: Unique per event (a UUIDv7, so ids sort by time).
        source: ``/nexus/<plugin>``: who published it.
        type: The versioned event type, ``crm.contact.created.v1``.
        specversion: Always ``1.0``.
        time: When the write happened (UTC).
        tenantid: The tenant the event belongs to (the Kafka key, the inbox scope).
        subject: What it is about, e.g. the record id.
        datacontenttype: The media type of ``data``.
        data: The payload (any JSON value).
    """

    id: str
    source: str
    type: str
    time: datetime
    tenantid: str
    specversion: str = "1.0"
    subject: str | None = None
    datacontenttype: str = "application/json"
    data: Any = None

    @property
    def plugin(self) -> str:
        """The publishing plugin (the last part of ``source``)."""
        return self.source.rsplit("/", 1)[-1]


_ENCODER = msgspec.json.Encoder()
_DECODER = msgspec.json.Decoder(CloudEvent)


def encode_event(event: CloudEvent) -> bytes:
    """Encode ``event`` as a structured-mode CloudEvents JSON document."""
    return _ENCODER.encode(event)


def decode_event(raw: bytes) -> CloudEvent:
    """Decode a structured-mode CloudEvents JSON document."""
    return _DECODER.decode(raw)


def topic_for(plugin: str) -> str:
    """The Kafka topic of a plugin's events: ``nexus.<plugin>``."""
    return f"nexus.{plugin}"
