"""The ``events`` port: publish into the outbox, on the caller's transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from nexus_hookspecs import new_id

from nexus.events._envelope import CloudEvent, encode_event
from nexus.observability import count_event_published

if TYPE_CHECKING:
    from collections.abc import Collection
    from uuid import UUID

    import asyncpg
    from nexus_hookspecs import Connection, EventType

__all__ = ("OUTBOX_CHANNEL", "OutboxPublisher", "UndeclaredEventError")

OUTBOX_CHANNEL = "nexus_outbox"
"""NOTIFY channel that wakes the relay when a transaction with events commits."""

# One statement: the row and the wake-up (PostgreSQL sends it on commit, once per
# transaction however many events it wrote, and never on rollback).
_INSERT = (
    "with written as (insert into nexus_event_outbox (tenant_id, id, plugin, type, envelope) "
    "values ($1, $2, $3, $4, $5) returning 1) "
    f"select pg_notify('{OUTBOX_CHANNEL}', '') from written"
)


class UndeclaredEventError(ValueError):
    """A plugin published an event type its manifest does not declare."""


class OutboxPublisher:
    """The :class:`nexus_hookspecs.EventPublisher` of one tenant and one publisher.

    Args:
        tenant_id: The tenant every event belongs to (the request's tenant).
        plugin: The publishing plugin (``nexus`` for the kernel).
        declared: The event types it may publish; ``None`` allows any.

    Example::

        async with db.transaction() as conn:
            await conn.execute("insert into crm_contact ...")
            await events.publish(conn, type="crm.contact.created.v1", data={"id": ...})
    """

    __slots__ = ("declared", "plugin", "tenant_id")

    def __init__(
        self, *, tenant_id: UUID | None, plugin: str, declared: Collection[str] | None = None
    ) -> None:
        self.tenant_id = tenant_id
        self.plugin = plugin
        self.declared = declared

    async def publish(
        self,
        conn: Connection | asyncpg.Connection,
        *,
        type: str | EventType,
        data: Any,
        subject: str | None = None,
    ) -> str:
        """Write one event into the outbox on ``conn``'s transaction; return its id.

        ``type`` is a declared type's name or its :class:`~nexus_hookspecs.EventType`.

        Raises:
            UndeclaredEventError: ``type`` is not among the plugin's declared events.
            PermissionError: there is no tenant to publish for.
        """
        if not isinstance(type, str):
            type = type.type
        if self.declared is not None and type not in self.declared:
            raise UndeclaredEventError(
                f"plugin '{self.plugin}' does not declare the event type '{type}' "
                "in its manifest (Manifest.events)"
            )
        if self.tenant_id is None:
            raise PermissionError("events belong to a tenant; this request acts in none")
        event_id = new_id()
        event = CloudEvent(
            id=str(event_id),
            source=f"/nexus/{self.plugin}",
            type=type,
            time=datetime.now(UTC),
            tenantid=str(self.tenant_id),
            subject=subject,
            data=data,
        )
        await conn.execute(
            _INSERT, self.tenant_id, event_id, self.plugin, type, encode_event(event)
        )
        count_event_published(self.plugin, type)
        return event.id
