"""The CloudEvents 1.0 envelope, in JSON structured mode, encoded with msgspec."""

from __future__ import annotations

import re

import msgspec
from nexus_hookspecs import CloudEvent

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
