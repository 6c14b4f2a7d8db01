"""The send handler: one delivery through the delivery row's state machine.

``queued`` (or a due ``retrying``) → ``sending`` → ``sent`` | ``retrying`` | ``dead`` |
``failed``. The row is locked (``for update``) first, and only a ``queued`` or due
``retrying`` delivery goes on: a redelivered event, or a second worker holding the same
event, finds it ``sending`` or ``sent`` and does nothing.

- Email, in-app and webhook deliveries are sent inside the event's transaction, which
  commits with the kernel's inbox row: a worker killed before the commit leaves nothing and
  the retry sends again under the same idempotency key (webhook's ``webhook-id`` and
  email's ``Message-ID`` are the delivery's, so receivers drop a copy).
- SMS and WhatsApp providers take no idempotency key, so the handler only *claims* the
  delivery (``sending`` with an attempt token and ``sending_since``), committed with the
  event, and tells the due-work loop; :mod:`nexus_notify._sender` makes the call outside
  any transaction and reconciles a call a dead process left behind.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any
from uuid import UUID

import structlog
from nexus_hookspecs import new_id

from nexus_notify import _due
from nexus_notify._channels import send
from nexus_notify._clients import SendError
from nexus_notify._events import (
    DELIVERY_FAILED,
    DELIVERY_SENT,
    DeliveryFailed,
    DeliverySent,
)

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

    from nexus_notify._settings import NotifySettings

__all__ = ("CLAIMED", "deliver", "failed", "record_outcome")

log = structlog.get_logger("nexus_notify")

_ROW = (
    "select d.id, d.message_id, d.channel, d.address, d.endpoint_id, d.state, d.attempts, "
    "d.next_attempt_at, m.category, m.recipient, m.subject, m.text, m.html, m.whatsapp, "
    "m.reply_to, m.email_headers, m.source_ref, m.attachments, m.created_at from notify_delivery d "
    "join notify_message m on m.id = d.message_id where d.id = $1 for update of d"
)
_MAX_DELAY = timedelta(hours=1)
CLAIMED = ("sms", "whatsapp")
"""Channels whose provider call happens after a committed claim, in the background."""


async def deliver(event: CloudEvent, ctx: EventContext) -> None:
    """Send the delivery of a ``notify.delivery.queued.v1`` event, once."""
    try:
        delivery_id = UUID(str((event.data or {}).get("delivery_id")))
    except ValueError:
        log.warning("queued event without a delivery id ignored", event_id=event.id)
        return
    row = await ctx.conn.fetchrow(_ROW, delivery_id)
    now = datetime.now(UTC)
    if row is None or row["state"] not in ("queued", "retrying"):
        return
    if row["state"] == "retrying" and row["next_attempt_at"] and row["next_attempt_at"] > now:
        return  # not due: the due-work loop queues it again when it is
    attempts = row["attempts"] + 1
    if row["channel"] in CLAIMED:
        await ctx.conn.execute(
            "update notify_delivery set state = 'sending', attempts = $2, attempt_token = $3, "
            "sending_since = now(), called_at = null, next_attempt_at = null, "
            "updated_at = now() where id = $1",
            delivery_id,
            attempts,
            new_id(),
        )
        await _due.note_due(ctx.conn, now)  # the background sender takes it from here
        return
    settings: NotifySettings = await ctx.settings()
    await ctx.conn.execute(
        "update notify_delivery set state = 'sending', attempts = $2, updated_at = now() "
        "where id = $1",
        delivery_id,
        attempts,
    )
    try:
        provider, ref, final = await send(row, ctx, settings)
    except SendError as exc:
        await failed(ctx, row, settings, error=str(exc), permanent=exc.permanent, attempts=attempts)
        return
    await record_outcome(ctx, row, provider=provider, ref=ref, final=final)


async def record_outcome(
    ctx: EventContext, row: Mapping[str, Any], *, provider: str, ref: str | None, final: bool
) -> None:
    """Keep what the provider answered, in the handler's transaction, and tell others."""
    await ctx.conn.execute(
        "update notify_delivery set state = $2, provider = $3, provider_ref = $4, error = null, "
        "next_attempt_at = null, updated_at = now() where id = $1",
        row["id"],
        "sent" if final else "sending",
        provider,
        ref,
    )
    if final:
        await ctx.events.publish(
            ctx.conn,
            type=DELIVERY_SENT,
            data=DeliverySent(
                delivery_id=row["id"],
                message_id=row["message_id"],
                channel=row["channel"],
                provider=provider,
                provider_ref=ref,
                source_ref=row["source_ref"],
            ),
            subject=str(row["id"]),
        )


async def failed(
    ctx: EventContext,
    row: Mapping[str, Any],
    settings: NotifySettings,
    *,
    error: str,
    permanent: bool,
    attempts: int,
) -> None:
    """Keep a failed attempt: retry later with backoff, or fail (refused) or die (spent)."""
    if not permanent and attempts < settings.max_attempts:
        delay = min(
            timedelta(seconds=settings.retry_base_seconds * 2 ** (attempts - 1)), _MAX_DELAY
        )
        due = datetime.now(UTC) + delay
        await ctx.conn.execute(
            "update notify_delivery set state = 'retrying', error = $2, next_attempt_at = $3, "
            "updated_at = now() where id = $1",
            row["id"],
            error,
            due,
        )
        await _due.note_due(ctx.conn, due)
        return
    state = "failed" if permanent else "dead"
    await ctx.conn.execute(
        "update notify_delivery set state = $2, error = $3, next_attempt_at = null, "
        "updated_at = now() where id = $1",
        row["id"],
        state,
        error,
    )
    await ctx.events.publish(
        ctx.conn,
        type=DELIVERY_FAILED,
        data=DeliveryFailed(
            delivery_id=row["id"],
            message_id=row["message_id"],
            channel=row["channel"],
            error=error,
            dead=state == "dead",
            source_ref=row["source_ref"],
        ),
        subject=str(row["id"]),
    )
