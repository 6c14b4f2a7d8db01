"""Consent per contact and channel: double opt-in with its proof, unsubscribes, suppression."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_marketing._events import CONSENT_CHANGED, ConsentChanged

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = ("CHANNELS", "set_state")

CHANNELS = ("email", "sms", "whatsapp")


async def set_state(
    conn: Connection,
    events: EventPublisher,
    contact_id: UUID,
    channels: list[str],
    state: str,
    *,
    reason: str | None = None,
    source: str = "system",
) -> None:
    """Record ``state`` for the contact on ``channels`` and publish each change."""
    for channel in channels:
        changed = await conn.fetchval(
            "insert into marketing_consent (id, contact_id, channel, state, source, reason) "
            "values (gen_random_uuid(), $1, $2, $3, $4, $5) "
            "on conflict (tenant_id, contact_id, channel) do update set state = excluded.state, "
            "reason = excluded.reason, changed_at = now() "
            "where marketing_consent.state <> excluded.state returning true",
            contact_id,
            channel,
            state,
            source,
            reason,
        )
        if changed:
            await events.publish(
                conn,
                type=CONSENT_CHANGED.type,
                data=ConsentChanged(contact_id=contact_id, channel=channel, state=state),
                subject=str(contact_id),
            )
