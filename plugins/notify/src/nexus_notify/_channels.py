"""One send on one channel: what each channel does with a recorded delivery.

Each function gets the delivery joined with its message and answers ``(provider,
provider_ref, final)``: ``final`` is false when the outcome comes later by an event (email
handed to the Mail plugin). Failures raise :class:`~nexus_notify._clients.SendError`.
SMS and WhatsApp are not here: they are claimed, then sent by ``_sender`` (see there).
"""

from __future__ import annotations

from email import policy
from email.message import EmailMessage
from email.utils import parseaddr
from typing import TYPE_CHECKING, Any

import aiosmtplib
import httpx
import msgspec
from nexus_hookspecs import new_id

from nexus_notify._clients import SendError
from nexus_notify._credentials import load
from nexus_notify._events import EMAIL_REQUESTED, EmailAttachment, EmailRequested
from nexus_notify._guard import check_url
from nexus_notify._limits import allowed
from nexus_notify._secrets import decrypt
from nexus_notify._signatures import webhook_headers

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nexus_hookspecs import EventContext

    from nexus_notify._settings import NotifySettings

__all__ = ("Outcome", "credentials", "json_value", "send", "throttle")

_SMTP = policy.SMTP.clone(max_line_length=998)
"""Lines up to RFC 5322's 998 characters: the default 78 would encode a long
``List-Unsubscribe`` URL as RFC 2047 words, which RFC 2369 does not allow (clients then
offer no unsubscribe)."""

Outcome = tuple[str, str | None, bool]


def throttle(rate: str, *keys: str) -> None:
    if not allowed(rate, *keys):
        raise SendError(f"rate limit {rate} reached", permanent=False)


async def credentials(ctx: EventContext, provider: str) -> dict[str, Any]:
    config = await load(ctx.conn, provider)
    if config is None:
        raise SendError(f"no {provider} credentials are configured", permanent=True)
    return config


async def _attachments(
    row: Mapping[str, Any], ctx: EventContext, s: NotifySettings
) -> list[EmailAttachment]:
    """The message's files as they are in the files store, within the size cap."""
    found: list[EmailAttachment] = []
    for given in json_value(row["attachments"]) or []:
        try:
            info = await ctx.blobs.stat(given["blob_key"])
        except (KeyError, ValueError) as exc:
            raise SendError(
                f"the attachment {given['filename']} is not in the files store", permanent=True
            ) from exc
        found.append(
            EmailAttachment(
                blob_key=given["blob_key"],
                filename=given["filename"],
                content_type=given["content_type"],
                size=info.size,
            )
        )
    total = sum(a.size for a in found)
    if total > s.max_attachment_bytes:
        names = ", ".join(a.filename for a in found)
        raise SendError(
            f"the attachments ({names}) take {total} bytes, over the "
            f"{s.max_attachment_bytes} allowed",
            permanent=True,
        )
    return found


async def _email(row: Mapping[str, Any], ctx: EventContext, s: NotifySettings) -> Outcome:
    recipient = (
        msgspec.json.decode(row["recipient"])
        if isinstance(row["recipient"], str)
        else row["recipient"]
    )
    headers: dict[str, str] = dict(json_value(row["email_headers"]) or {})
    headers.setdefault("Message-ID", f"<{row['id']}@notify.nexus>")
    files = await _attachments(row, ctx, s)
    if s.email_transport == "mail":
        request = EmailRequested(
            delivery_id=row["id"],
            to_address=row["address"],
            to_name=recipient.get("name"),
            from_address=s.email_from,
            reply_to=row["reply_to"],
            subject=row["subject"],
            text=row["text"],
            html=row["html"],
            headers=headers,
            category=row["category"],
            attachments=files,
        )
        await ctx.events.publish(
            ctx.conn, type=EMAIL_REQUESTED, data=request, subject=str(row["id"])
        )
        return "mail", None, False
    config = await credentials(ctx, "smtp")
    mail = EmailMessage(policy=_SMTP)
    mail["From"] = s.email_from
    mail["To"] = row["address"]
    mail["Subject"] = row["subject"]
    if row["reply_to"]:
        mail["Reply-To"] = row["reply_to"]
    for name, value in headers.items():
        mail[name] = value
    mail.set_content(row["text"])
    if row["html"]:
        mail.add_alternative(row["html"], subtype="html")
    for file in files:
        try:
            content = await ctx.blobs.get(file.blob_key)
        except KeyError as exc:
            raise SendError(f"the attachment {file.filename} was removed", permanent=True) from exc
        maintype, _, subtype = file.content_type.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=file.filename)
    try:
        # Sent as bytes: given the message, aiosmtplib would flatten it with its own
        # 78-character policy and undo _SMTP.
        await aiosmtplib.send(
            mail.as_bytes(),
            sender=parseaddr(s.email_from)[1],
            recipients=[row["address"]],
            hostname=config["host"],
            port=int(config["port"]),
            username=config.get("username"),
            password=config.get("password"),
            start_tls=bool(config.get("start_tls")),
            timeout=15,
        )
    except aiosmtplib.SMTPResponseException as exc:
        raise SendError(f"SMTP {exc.code}: {exc.message}", permanent=exc.code >= 500) from exc
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise SendError(f"SMTP: {exc}", permanent=False) from exc
    return "smtp", headers["Message-ID"], True


def json_value(value: Any) -> Any:
    return msgspec.json.decode(value) if isinstance(value, (str, bytes)) else value


async def _in_app(row: Mapping[str, Any], ctx: EventContext, s: NotifySettings) -> Outcome:
    feed_id = new_id()
    await ctx.conn.execute(
        "insert into notify_feed (id, user_id, message_id, category, title, body) "
        "values ($1, $2, $3, $4, $5, $6)",
        feed_id,
        row["address"],
        row["message_id"],
        row["category"],
        row["subject"],
        row["text"],
    )
    await ctx.conn.execute(
        "select pg_notify('notify_feed', $1)", f"{ctx.tenant_id}:{row['address']}"
    )
    return "feed", str(feed_id), True


async def _webhook(row: Mapping[str, Any], ctx: EventContext, s: NotifySettings) -> Outcome:
    secret = await ctx.conn.fetchval(
        "select secret_enc from notify_webhook_endpoint where id = $1", row["endpoint_id"]
    )
    if secret is None:
        raise SendError("the endpoint was deleted", permanent=True)
    throttle(s.webhook_rate, str(ctx.tenant_id), str(row["endpoint_id"]))
    body = msgspec.json.encode(
        {
            "type": "notify.message",
            "timestamp": row["created_at"].isoformat(),
            "data": {
                "message_id": str(row["message_id"]),
                "category": row["category"],
                "subject": row["subject"],
                "text": row["text"],
                "source_ref": row["source_ref"],
            },
        }
    )
    # The webhook id is the delivery's: the same across retries, so receivers dedupe on it.
    headers = webhook_headers(decrypt(secret), message_id=f"msg_{row['id']}", body=body)
    await check_url(row["address"])
    try:
        async with httpx.AsyncClient(timeout=httpx.Timeout(15.0)) as client:
            response = await client.post(row["address"], content=body, headers=headers)
    except httpx.HTTPError as exc:
        raise SendError(f"{type(exc).__name__}: {exc}"[:500], permanent=False) from exc
    if not 200 <= response.status_code < 300:
        raise SendError(f"HTTP {response.status_code}", permanent=False)
    return "webhook", None, True


_SENDERS = {
    "email": _email,
    "in_app": _in_app,
    "webhook": _webhook,
}


async def send(row: Mapping[str, Any], ctx: EventContext, settings: NotifySettings) -> Outcome:
    """Send one delivery on its channel."""
    return await _SENDERS[row["channel"]](row, ctx, settings)
