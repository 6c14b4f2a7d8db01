"""Recording a message: render it, decide its deliveries, queue them through the outbox.

No network call happens here (the ``notify.send`` service runs in its caller's
transaction): each queued delivery gets a ``notify.delivery.queued.v1`` event, which
notify's own handler sends once the transaction committed.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import msgspec
from nexus_hookspecs import new_id
from nexus_hookspecs.http import FieldErrors

from nexus_notify import _due
from nexus_notify._events import DELIVERY_QUEUED, DeliveryQueued
from nexus_notify._models import DeliveryRef, SendRequest, SendResult
from nexus_notify._quiet import quiet_until
from nexus_notify._render import valid_locale, valid_zone
from nexus_notify._secrets import sign_token
from nexus_notify._templates import find, render_template

if TYPE_CHECKING:
    from uuid import UUID

    from nexus_hookspecs import Connection, EventPublisher

    from nexus_notify._settings import NotifySettings

__all__ = ("existing", "record", "tenant_slug")


async def tenant_slug(conn: Connection) -> str:
    """The tenant's slug, kept by ``nexus_tenant_enable``."""
    return str(await conn.fetchval("select slug from notify_tenant limit 1") or "unknown")


async def existing(conn: Connection, message_id: UUID) -> SendResult:
    """The answer for a recorded message: its id and deliveries."""
    rows = await conn.fetch(
        "select id, channel, state from notify_delivery where message_id = $1 order by id",
        message_id,
    )
    return SendResult(
        message_id=message_id, deliveries=[msgspec.convert(dict(r), DeliveryRef) for r in rows]
    )


async def _channels(conn: Connection, data: SendRequest) -> list[str]:
    if data.channels is not None:
        return list(dict.fromkeys(data.channels))
    if data.to.user_id is not None:
        chosen = await conn.fetchval(
            "select channels from notify_preference where user_id = $1 and category = $2",
            data.to.user_id,
            data.category,
        )
        if chosen is not None:
            return list(chosen)
    return ["email"]


def _content(data: SendRequest, locale: str, zone: str) -> dict[str, Any]:
    errors = FieldErrors()
    if data.subject is None and data.text is None:
        errors.add("template", "give a template, or a subject and a text")
    errors.raise_if_any()
    return {
        "subject": data.subject or "",
        "text": data.text or "",
        "html": data.html,
        "whatsapp": None,
        "version": None,
    }


def _valid_key(key: str) -> bool:
    """A files-store key: ``/``-separated segments, none empty, ``.`` or ``..``."""
    return all(part not in ("", ".", "..") for part in key.split("/"))


def _address(data: SendRequest, channel: str) -> str | None:
    if channel == "email":
        return data.to.email
    if channel in ("sms", "whatsapp"):
        return data.to.phone
    return str(data.to.user_id) if data.to.user_id else None


def _unsubscribe_url(settings: NotifySettings, tenant: str, address: str, category: str) -> str:
    token = sign_token("unsubscribe", {"a": address, "c": category, "t": tenant})
    return f"{settings.public_base_url}/api/v1/notify/unsubscribe/{tenant}/{token}"


async def record(
    conn: Connection,
    events: EventPublisher,
    data: SendRequest,
    *,
    settings: NotifySettings,
) -> SendResult:
    """Record ``data`` as a message with its deliveries and queue them; idempotent per key."""
    if data.idempotency_key is not None:
        found = await conn.fetchval(
            "select id from notify_message where idempotency_key = $1", data.idempotency_key
        )
        if found is not None:
            return await existing(conn, found)
    errors = FieldErrors()
    locale = data.to.locale or settings.default_locale
    zone = data.to.time_zone or settings.default_time_zone
    if not valid_locale(locale):
        errors.add("to.locale", "not a known locale")
    if not valid_zone(zone):
        errors.add("to.time_zone", "not an IANA time zone")
    for index, attachment in enumerate(data.attachments):
        if not _valid_key(attachment.blob_key):
            errors.add(f"attachments[{index}].blob_key", "not a key of the files store")
    errors.raise_if_any()
    if data.template is not None:
        row = await find(conn, data.template, locale=locale, fallback=settings.default_locale)
        content: dict[str, Any] = dict(render_template(row, data.data, locale=locale, zone=zone))
    else:
        content = _content(data, locale, zone)
    channels = await _channels(conn, data)
    bulk = data.category in settings.bulk_categories
    headers = dict(data.email_headers)
    text = content["text"]
    if bulk and data.to.email and "email" in channels:
        slug = await tenant_slug(conn)
        url = _unsubscribe_url(settings, slug, data.to.email, data.category)
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        text = f"{text}\n\n--\nUnsubscribe: {url}\n"
    message_id = new_id()
    inserted = await conn.fetchval(
        "insert into notify_message (id, idempotency_key, category, template, template_version, "
        "recipient, locale, subject, text, html, whatsapp, reply_to, email_headers, source_ref, "
        "attachments) values ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, $9, $10, $11::jsonb, $12, "
        "$13::jsonb, $14, $15::jsonb) on conflict (tenant_id, idempotency_key) do nothing "
        "returning id",
        message_id,
        data.idempotency_key,
        data.category,
        data.template,
        content["version"],
        msgspec.json.encode(data.to).decode(),
        locale,
        content["subject"],
        text,
        content["html"],
        msgspec.json.encode(content["whatsapp"]).decode(),
        data.reply_to,
        msgspec.json.encode(headers).decode(),
        data.source_ref,
        msgspec.json.encode(data.attachments).decode(),
    )
    if inserted is None:  # a concurrent call with the same key won
        found = await conn.fetchval(
            "select id from notify_message where idempotency_key = $1", data.idempotency_key
        )
        return await existing(conn, found)
    later = quiet_until(settings, zone=zone, now=datetime.now(UTC))
    await _queue(
        conn, events, data, message_id=message_id, channels=channels, bulk=bulk, later=later
    )
    return await existing(conn, message_id)


async def _unsubscribed(conn: Connection, address: str, category: str) -> bool:
    found = await conn.fetchval(
        "select 1 from notify_unsubscribe where address = $1 and category = $2",
        address.lower(),
        category,
    )
    return found is not None


async def _queue(
    conn: Connection,
    events: EventPublisher,
    data: SendRequest,
    *,
    message_id: UUID,
    channels: list[str],
    bulk: bool,
    later: datetime | None,
) -> None:
    """One delivery per channel and per webhook endpoint of the category; queue the ready."""
    targets: list[tuple[str, str | None, UUID | None]] = [
        (channel, _address(data, channel), None) for channel in channels
    ]
    for endpoint in await conn.fetch(
        "select id, url from notify_webhook_endpoint where active and "
        "($1 = any(categories) or '*' = any(categories)) order by id",
        data.category,
    ):
        targets.append(("webhook", endpoint["url"], endpoint["id"]))
    for channel, address, endpoint_id in targets:
        state, error, due = "queued", None, None
        if address is None:
            state, error = "failed", f"the recipient has no address for {channel}"
        elif bulk and channel != "webhook" and await _unsubscribed(conn, address, data.category):
            state = "suppressed"
        elif later is not None and channel in ("sms", "whatsapp"):
            state, due = "scheduled", later
        delivery_id = new_id()
        await conn.execute(
            "insert into notify_delivery (id, message_id, channel, address, endpoint_id, state, "
            "error, next_attempt_at, callback_token) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
            delivery_id,
            message_id,
            channel,
            address,
            endpoint_id,
            state,
            error,
            due,
            secrets.token_urlsafe(18),
        )
        if due is not None:
            await _due.note_due(conn, due)
        if state == "queued":
            await events.publish(
                conn,
                type=DELIVERY_QUEUED,
                data=DeliveryQueued(
                    delivery_id=delivery_id, message_id=message_id, channel=channel
                ),
                subject=str(delivery_id),
            )
