"""Delivery status from the providers' callbacks and Mail's events."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_notify._events import (
    DELIVERY_FAILED,
    DELIVERY_SENT,
    DELIVERY_STATUS,
    DeliveryFailed,
    DeliverySent,
    DeliveryStatus,
)

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

__all__ = (
    "AFRICASTALKING",
    "TWILIO",
    "WHATSAPP",
    "mail_outcome",
    "resolve_claimed",
    "set_status",
)

# Provider statuses → ours; anything else (queued, sending, sent, accepted …) changes nothing.
TWILIO = {
    "delivered": "delivered",
    "read": "read",
    "undelivered": "undelivered",
    "failed": "undelivered",
}
WHATSAPP = {"delivered": "delivered", "read": "read", "failed": "undelivered"}
AFRICASTALKING = {
    "Success": "delivered",
    "Failed": "undelivered",
    "Rejected": "undelivered",
    "AbsentSubscriber": "undelivered",
    "Expired": "undelivered",
}


async def set_status(
    conn: Connection,
    events: EventPublisher,
    delivery_id: UUID,
    *,
    status: str,
    detail: str | None,
) -> bool:
    """Keep a provider's news of a delivery and publish it; false when nothing changed.

    ``read`` is never overwritten by a late ``delivered``.
    """
    row = await conn.fetchrow(
        "update notify_delivery set status = $2, updated_at = now() where id = $1 and "
        "status is distinct from $2 and not (coalesce(status, '') = 'read' and $2 = 'delivered') "
        "returning id, message_id, channel",
        delivery_id,
        status,
    )
    if row is None:
        return False
    await events.publish(
        conn,
        type=DELIVERY_STATUS,
        data=DeliveryStatus(
            delivery_id=row["id"],
            message_id=row["message_id"],
            channel=row["channel"],
            status=status,
            detail=detail,
        ),
        subject=str(row["id"]),
    )
    return True


async def resolve_claimed(
    conn: Connection,
    events: EventPublisher,
    delivery_id: UUID,
    *,
    channel: str,
    provider: str,
    ref: str,
) -> bool:
    """A verified status callback names a delivery whose send outcome was never recorded.

    The provider took it, so a ``sending`` (a process stopped after the call) or
    ``unconfirmed`` delivery becomes ``sent`` with the provider's id; false otherwise.
    """
    row = await conn.fetchrow(
        "update notify_delivery set state = 'sent', provider = $3, provider_ref = $4, "
        "error = null, next_attempt_at = null, updated_at = now() where id = $1 and "
        "channel = $2 and state in ('sending', 'unconfirmed') and provider_ref is null "
        "returning id, message_id, channel, "
        "(select source_ref from notify_message m where m.id = message_id) as source_ref",
        delivery_id,
        channel,
        provider,
        ref,
    )
    if row is None:
        return False
    await events.publish(
        conn,
        type=DELIVERY_SENT,
        data=DeliverySent(
            delivery_id=row["id"],
            message_id=row["message_id"],
            channel=channel,
            provider=provider,
            provider_ref=ref,
            source_ref=row["source_ref"],
        ),
        subject=str(row["id"]),
    )
    return True


async def mail_outcome(
    conn: Connection,
    events: EventPublisher,
    delivery_id: UUID,
    *,
    sent_ref: str | None,
    error: str | None,
) -> None:
    """Mail sent (``sent_ref``: its Message-ID) or failed a notify email (``error``)."""
    row = await conn.fetchrow(
        "update notify_delivery set state = $2, provider_ref = coalesce($3, provider_ref), "
        "error = $4, updated_at = now() where id = $1 and channel = 'email' and "
        "state = 'sending' returning id, message_id, channel, "
        "(select source_ref from notify_message m where m.id = message_id) as source_ref",
        delivery_id,
        "sent" if error is None else "failed",
        sent_ref,
        error,
    )
    if row is None:
        return
    if error is None:
        await events.publish(
            conn,
            type=DELIVERY_SENT,
            data=DeliverySent(
                delivery_id=row["id"],
                message_id=row["message_id"],
                channel="email",
                provider="mail",
                provider_ref=sent_ref,
                source_ref=row["source_ref"],
            ),
            subject=str(row["id"]),
        )
    else:
        await events.publish(
            conn,
            type=DELIVERY_FAILED,
            data=DeliveryFailed(
                delivery_id=row["id"],
                message_id=row["message_id"],
                channel="email",
                error=error,
                dead=False,
                source_ref=row["source_ref"],
            ),
            subject=str(row["id"]),
        )
