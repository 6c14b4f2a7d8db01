"""Events: CloudEvents through the transactional outbox to the bus and its consumers.

A write and its event commit in one transaction (the outbox). A relay moves committed
events to the bus — the PostgreSQL-backed log by default, Kafka with
``NEXUS_KAFKA_BOOTSTRAP`` — and consumer groups hand them to plugin handlers and the kernel's
audit and analytics consumers, each deduplicated by an inbox table, retried with backoff and
parked in a dead-letter table when they keep failing. See ``docs/events.md``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.events._consumers import Consumer, Delivery, HandlerContext, collect_consumers
from nexus.events._envelope import (
    CONTENT_TYPE,
    KERNEL_SOURCE,
    TYPE_PATTERN,
    CloudEvent,
    decode_event,
    encode_event,
    topic_for,
)
from nexus.events._kernel import analytics_consumer, audit_consumer
from nexus.events._placed import PlacedOutboxes
from nexus.events._postgres import LOG_CHANNEL, PostgresBus
from nexus.events._provide import events_provider
from nexus.events._publisher import OutboxPublisher, UndeclaredEventError
from nexus.events._redrive import DeadLetter, dead_letters, redrive
from nexus.events._routes import event_routes
from nexus.events._worker import Bus, DependencyHealth, EventWorker
from nexus.lazy import lazy_attributes

if TYPE_CHECKING:
    from nexus.events._kafka import IdempotenceRefusedError, KafkaBus, ensure_topics

# aiokafka only when Kafka is configured.
__getattr__ = lazy_attributes(
    __name__,
    dict.fromkeys(("IdempotenceRefusedError", "KafkaBus", "ensure_topics"), "nexus.events._kafka"),
)

__all__ = (
    "CONTENT_TYPE",
    "KERNEL_SOURCE",
    "LOG_CHANNEL",
    "TYPE_PATTERN",
    "Bus",
    "CloudEvent",
    "Consumer",
    "DeadLetter",
    "Delivery",
    "DependencyHealth",
    "EventWorker",
    "IdempotenceRefusedError",
    "KafkaBus",
    "OutboxPublisher",
    "PlacedOutboxes",
    "PostgresBus",
    "UndeclaredEventError",
    "analytics_consumer",
    "audit_consumer",
    "HandlerContext",
    "collect_consumers",
    "dead_letters",
    "decode_event",
    "encode_event",
    "ensure_topics",
    "event_routes",
    "events_provider",
    "redrive",
    "topic_for",
)
