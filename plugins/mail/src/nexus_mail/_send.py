"""Sending one message for the tenant: sign with its domain's key, relay, record, publish."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id

from nexus_mail._events import (
    OUTBOUND_FAILED,
    OUTBOUND_SENT,
    OutboundFailed,
    OutboundSent,
)
from nexus_mail._mailboxes import create_mailbox, mailbox_for
from nexus_mail._outbound import BOUNCE_LOCAL_PART, Outgoing, SendFailure, build, relay, signed
from nexus_mail._sealed import KeyUnavailableError
from nexus_mail._store import NewMessage, store_message

if TYPE_CHECKING:
    from nexus_hookspecs import Connection, EventPublisher

    from nexus_mail._settings import MailSettings

__all__ = ("SendResult", "default_sender", "send_mail")


class SendResult(msgspec.Struct, kw_only=True):
    """What became of a message: ``sent`` or ``failed`` (with the error)."""

    message_id: UUID
    state: str
    rfc_message_id: str | None
    to: list[str]
    error: str | None = None
    permanent: bool = False


async def default_sender(conn: Connection, settings: MailSettings) -> str | None:
    """The sender of mail requested without one: the setting, else ``noreply@`` a domain."""
    if settings.default_from:
        return settings.default_from.lower()
    domain = await conn.fetchval(
        "select domain from mail_domain order by verified desc, created_at limit 1"
    )
    return f"noreply@{domain}" if domain else None


async def _failed(
    conn: Connection,
    events: EventPublisher,
    *,
    message_id: UUID,
    delivery_ref: str | None,
    error: str,
    permanent: bool,
) -> SendResult:
    await conn.execute(
        "update mail_message set state = 'failed', error = $2 where id = $1", message_id, error
    )
    await events.publish(
        conn,
        type=OUTBOUND_FAILED,
        data=OutboundFailed(
            message_id=message_id, delivery_ref=delivery_ref, error=error, permanent=permanent
        ),
        subject=str(message_id),
    )
    return SendResult(
        message_id=message_id,
        state="failed",
        rfc_message_id=None,
        to=[],
        error=error,
        permanent=permanent,
    )


async def _record(
    conn: Connection, out: Outgoing, *, key: Any, delivery_ref: str | None, draft_id: UUID | None
) -> UUID:
    if draft_id is not None:
        await conn.execute(
            "update mail_message set state = 'sending', at = now(), folder_id = (select id "
            "from mail_folder f where f.mailbox_id = mail_message.mailbox_id and f.role = "
            "'sent') where id = $1",
            draft_id,
        )
        return draft_id
    headers = {name.lower(): value for name, value in out.headers.items()}
    mailbox_id = await mailbox_for(conn, out.from_address)
    if mailbox_id is None:
        local = out.from_address.rpartition("@")[0]
        created = await create_mailbox(
            conn, domain_id=key["id"], local_part=local, display_name=out.from_name, user_id=None
        )
        mailbox_id = created.id
    message_id, _ = await store_message(
        conn,
        NewMessage(
            mailbox_id=mailbox_id,
            folder_role="sent",
            direction="out",
            state="sending",
            rfc_message_id="",
            from_address=out.from_address,
            from_name=out.from_name,
            to=out.to,
            cc=out.cc,
            subject=out.subject,
            text=out.text,
            html=out.html,
            in_reply_to=headers.get("in-reply-to"),
            references=headers.get("references", "").split()[:100],
            delivery_ref=delivery_ref,
            seen=True,
        ),
    )
    return message_id


async def send_mail(
    conn: Connection,
    events: EventPublisher,
    out: Outgoing,
    *,
    settings: MailSettings,
    delivery_ref: str | None = None,
    draft_id: UUID | None = None,
) -> SendResult:
    """Sign ``out`` with its From domain's key, relay it, and publish sent or failed."""
    domain = out.from_address.rpartition("@")[2].lower()
    key = await conn.fetchrow(
        "select id, domain, selector, private_key from mail_domain where domain = $1", domain
    )
    if key is None:
        message_id = draft_id or new_id()
        error = f"no mail domain of this tenant signs mail from {domain}"
        return await _failed(
            conn,
            events,
            message_id=message_id,
            delivery_ref=delivery_ref,
            error=error,
            permanent=True,
        )
    message_id = await _record(conn, out, key=key, delivery_ref=delivery_ref, draft_id=draft_id)
    suppressed = {
        r["address"]
        for r in await conn.fetch(
            "select address from mail_suppression where address = any($1::text[])",
            [*out.to, *out.cc],
        )
    }
    recipients = [a for a in dict.fromkeys([*out.to, *out.cc]) if a not in suppressed]
    if not recipients:
        return await _failed(
            conn,
            events,
            message_id=message_id,
            delivery_ref=delivery_ref,
            error=f"suppressed after a bounce or complaint: {', '.join(sorted(suppressed))}",
            permanent=True,
        )
    try:
        message, rfc_id = build(out, domain=domain)
    except (ValueError, TypeError, IndexError) as exc:  # an address or header email refuses
        return await _failed(
            conn,
            events,
            message_id=message_id,
            delivery_ref=delivery_ref,
            error=f"the message cannot be built: {exc}"[:2000],
            permanent=True,
        )
    await conn.execute(
        "update mail_message set rfc_message_id = $2 where id = $1", message_id, rfc_id
    )
    try:
        raw = signed(message, key=key)
    except KeyUnavailableError as exc:
        return await _failed(
            conn,
            events,
            message_id=message_id,
            delivery_ref=delivery_ref,
            error=str(exc),
            permanent=False,
        )
    try:
        accepted = await relay(
            raw,
            sender=f"{BOUNCE_LOCAL_PART}@{domain}",
            recipients=recipients,
            settings=settings,
        )
    except SendFailure as failure:
        return await _failed(
            conn,
            events,
            message_id=message_id,
            delivery_ref=delivery_ref,
            error=failure.error[:2000],
            permanent=failure.permanent,
        )
    await conn.execute(
        "update mail_message set state = 'sent', at = now() where id = $1", message_id
    )
    await events.publish(
        conn,
        type=OUTBOUND_SENT,
        data=OutboundSent(
            message_id=message_id, delivery_ref=delivery_ref, rfc_message_id=rfc_id, to=accepted
        ),
        subject=str(message_id),
    )
    return SendResult(message_id=message_id, state="sent", rfc_message_id=rfc_id, to=accepted)
