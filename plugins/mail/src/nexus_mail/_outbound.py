"""Outbound mail: build the MIME message, DKIM-sign it, hand it to the relay, record it.

The envelope sender is ``bounces@<domain>``: delivery status notifications come back to
the inbound server, which reads them (:mod:`nexus_mail._dsn`) and publishes
``mail.outbound.bounced.v1`` for the original message.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import TYPE_CHECKING, Any
from uuid import UUID

import aiosmtplib
import msgspec
import structlog

from nexus_mail import _dkim
from nexus_mail._sealed import open_key

if TYPE_CHECKING:
    from nexus_mail._settings import MailSettings

__all__ = (
    "BOUNCE_LOCAL_PART",
    "OutgoingFile",
    "Outgoing",
    "SendFailure",
    "build",
    "relay",
    "signed",
)

BOUNCE_LOCAL_PART = "bounces"
_HEADERS = frozenset(
    {
        "message-id",
        "in-reply-to",
        "references",
        "list-unsubscribe",
        "list-unsubscribe-post",
        "auto-submitted",
        "x-nexus-category",
    }
)
log = structlog.get_logger("nexus_mail")


class OutgoingFile(msgspec.Struct, kw_only=True):
    """A file to attach: its name, media type and bytes."""

    filename: str
    content_type: str
    content: bytes


class Outgoing(msgspec.Struct, kw_only=True):
    """What to send."""

    from_address: str
    from_name: str | None = None
    to: list[str]
    to_name: str | None = None
    cc: list[str] = msgspec.field(default_factory=list)
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None
    headers: dict[str, str] = msgspec.field(default_factory=dict)
    attachments: list[OutgoingFile] = msgspec.field(default_factory=list)


class SendFailure(Exception):
    """The relay refused the message or could not be reached."""

    def __init__(self, error: str, *, permanent: bool) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent


def _address(address: str, name: str | None = None) -> Address:
    local, _, domain = address.rpartition("@")
    return Address(display_name=name or "", username=local, domain=domain)


def build(out: Outgoing, *, domain: str) -> tuple[EmailMessage, str]:
    """The MIME message (text, and HTML as an alternative) and its Message-ID."""
    message = EmailMessage()
    message["From"] = _address(out.from_address, out.from_name)
    names = [out.to_name] if out.to_name and len(out.to) == 1 else [None]
    message["To"] = [_address(a, names[0]) for a in out.to]
    if out.cc:
        message["Cc"] = [_address(a) for a in out.cc]
    message["Subject"] = out.subject
    message["Date"] = format_datetime(datetime.now(UTC))
    given = {k.lower(): v for k, v in out.headers.items() if k.lower() in _HEADERS}
    rfc_id = given.pop("message-id", None) or make_msgid(domain=domain)
    message["Message-ID"] = rfc_id
    if out.reply_to:
        message["Reply-To"] = out.reply_to
    for name, value in given.items():
        message[name.title()] = value
    message.set_content(out.text)
    if out.html:
        message.add_alternative(out.html, subtype="html")
    for file in out.attachments:
        maintype, _, subtype = file.content_type.partition("/")
        message.add_attachment(
            file.content,
            maintype=maintype or "application",
            subtype=subtype or "octet-stream",
            filename=file.filename,
        )
    return message, rfc_id


def signed(message: EmailMessage, *, key: Any) -> bytes:
    """The message's bytes (CRLF) with a DKIM signature of ``key`` (a ``mail_domain`` row)."""
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    return _dkim.sign(
        raw,
        domain=key["domain"],
        selector=key["selector"],
        private_key=open_key(key["private_key"]),
    )


def _failure(exc: Exception) -> SendFailure:
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        codes = [r.code for r in exc.recipients]
        return SendFailure(str(exc), permanent=all(code >= 500 for code in codes))
    code = getattr(exc, "code", None)
    if isinstance(code, int) and code >= 500:
        return SendFailure(f"{code} {getattr(exc, 'message', exc)}", permanent=True)
    return SendFailure(f"relay: {exc}", permanent=False)


async def relay(
    raw: bytes, *, sender: str, recipients: list[str], settings: MailSettings
) -> list[str]:
    """Send ``raw`` through the tenant's relay; the recipients it accepted.

    Raises:
        SendFailure: Every recipient was refused, or the relay failed or was unreachable.
    """
    try:
        refused, _reply = await aiosmtplib.send(
            raw,
            sender=sender,
            recipients=recipients,
            hostname=settings.relay_host,
            port=settings.relay_port,
            start_tls=settings.relay_starttls,
            timeout=settings.relay_timeout_seconds,
        )
    except (aiosmtplib.SMTPException, OSError) as exc:
        raise _failure(exc) from exc
    return [r for r in recipients if r not in refused]


def message_uuid(value: Any) -> UUID:
    """A row id as a UUID."""
    return value if isinstance(value, UUID) else UUID(str(value))
