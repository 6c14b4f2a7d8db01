"""Event handlers: Notification's emails (``notify.email.requested.v1``) go out through Mail."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import structlog
from nexus_hookspecs import new_id

from nexus_mail._events import OUTBOUND_FAILED, OutboundFailed
from nexus_mail._outbound import Outgoing, OutgoingFile
from nexus_mail._send import default_sender, send_mail

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import CloudEvent, EventContext

__all__ = ("email_requested",)

log = structlog.get_logger("nexus_mail")


def _text(value: Any, limit: int) -> str | None:
    return str(value)[:limit] if isinstance(value, str) and value else None


async def _files(
    given: Any, ctx: EventContext, *, limit: int
) -> tuple[list[OutgoingFile], str | None]:
    """The requested attachments read from the tenant's files store, or why not."""
    files: list[OutgoingFile] = []
    total = 0
    for item in given if isinstance(given, list) else []:
        key, name = str(item.get("blob_key") or ""), str(item.get("filename") or "attachment")
        try:
            content = await ctx.blobs.get(key)
        except (KeyError, ValueError):
            return [], f"the attachment {name} is not in the files store"
        total += len(content)
        if total > limit:
            return [], f"the attachments are over the {limit} bytes a message may take"
        content_type = str(item.get("content_type") or "application/octet-stream")
        files.append(OutgoingFile(filename=name[:255], content_type=content_type, content=content))
    return files, None


async def _refuse(ctx: EventContext, delivery_ref: str | None, error: str) -> None:
    message_id = new_id()
    await ctx.events.publish(
        ctx.conn,
        type=OUTBOUND_FAILED,
        data=OutboundFailed(
            message_id=message_id, delivery_ref=delivery_ref, error=error, permanent=True
        ),
        subject=str(message_id),
    )


async def email_requested(event: CloudEvent, ctx: EventContext) -> None:
    """Send the requested email once per delivery id; publish sent, failed (or nothing twice).

    A redelivered event whose delivery was already recorded sends nothing again. Requested
    attachments are read from the tenant's files store; a missing one, or files over
    ``max_message_bytes`` together, fail the request for good.
    """
    data: Mapping[str, Any] = event.data or {}
    delivery_ref = _text(data.get("delivery_id"), 100) or event.subject
    to_address = _text(data.get("to_address"), 254)
    if await ctx.conn.fetchval("select 1 from mail_message where delivery_ref = $1", delivery_ref):
        log.info("email request already handled", delivery_ref=delivery_ref)
        return
    settings = await ctx.settings()
    sender = _text(data.get("from_address"), 254) or await default_sender(ctx.conn, settings)
    if to_address is None or "@" not in to_address or sender is None:
        error = "no recipient address" if sender else "the tenant has no mail domain"
        await _refuse(ctx, delivery_ref, error)
        return
    files, refused = await _files(data.get("attachments"), ctx, limit=settings.max_message_bytes)
    if refused is not None:
        await _refuse(ctx, delivery_ref, refused)
        return
    headers = data.get("headers")
    out = Outgoing(
        from_address=sender.lower(),
        to=[to_address.lower()],
        to_name=_text(data.get("to_name"), 200),
        subject=_text(data.get("subject"), 998) or "",
        text=_text(data.get("text"), 1_000_000) or "",
        html=_text(data.get("html"), 2_000_000),
        reply_to=_text(data.get("reply_to"), 254),
        headers={str(k): str(v) for k, v in headers.items()} if isinstance(headers, dict) else {},
        attachments=files,
    )
    await send_mail(ctx.conn, ctx.events, out, settings=settings, delivery_ref=delivery_ref)
