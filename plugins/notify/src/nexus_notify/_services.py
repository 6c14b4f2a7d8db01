"""The ``notify.send`` service (contract P): what other plugins call to send a message."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus_notify._send import record

if TYPE_CHECKING:
    from nexus_hookspecs import ServiceContext

    from nexus_notify._models import SendRequest, SendResult

__all__ = ("DESCRIPTION", "notify_send")

DESCRIPTION = (
    "Records a message (a tenant template rendered in the recipient's locale, or inline "
    "content) and one delivery per channel (the given channels, else the recipient's "
    "preferences for the category, else email), plus one per webhook endpoint of the "
    "category, and publishes notify.delivery.queued.v1 for each: nothing is sent inside the "
    "call, notify's handler sends after the commit. The same idempotency_key answers the "
    "first message. Quiet hours delay SMS and WhatsApp (scheduled); an unsubscribed "
    "recipient of a bulk category is suppressed. attachments name objects of the tenant's files "
    "store that the email channel attaches (size-capped when sent)."
)


async def notify_send(data: SendRequest, ctx: ServiceContext) -> SendResult:
    """Record and queue ``data`` in the caller's transaction."""
    return await record(ctx.conn, ctx.events, data, settings=await ctx.settings())
