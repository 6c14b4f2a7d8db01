"""RFC 5322 messages parsed with the standard library (``email.policy.default``)."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from email.message import EmailMessage
from email.utils import getaddresses, parseaddr
from typing import TYPE_CHECKING, cast

import msgspec

if TYPE_CHECKING:
    from email.headerregistry import Address

__all__ = ("Part", "Parsed", "normal_subject", "parse")

TEXT_LIMIT = 100_000
_IDS = re.compile(r"<[^<>\s]+>")
_PREFIX = re.compile(r"^\s*((re|fwd?|aw|wg|sv|tr)\s*(\[\d+\])?\s*:\s*)+", re.I)
_TAGS = re.compile(r"<[^>]+>")


class Part(msgspec.Struct, kw_only=True):
    """An attachment: its name, media type and bytes."""

    filename: str
    content_type: str
    content: bytes


class Parsed(msgspec.Struct, kw_only=True):
    """What Mail keeps of a message."""

    rfc_message_id: str | None
    from_address: str
    from_name: str | None
    to: list[str]
    cc: list[str]
    subject: str
    text: str
    html: str | None
    in_reply_to: str | None
    references: list[str]
    attachments: list[Part]
    message: EmailMessage


def normal_subject(subject: str) -> str:
    """The subject without ``Re:``/``Fwd:`` prefixes, lower case, spaces collapsed."""
    return " ".join(_PREFIX.sub("", subject).split()).lower()


def _addresses(message: EmailMessage, name: str) -> list[str]:
    values = [str(v) for v in message.get_all(name, [])]
    return [addr.lower() for _, addr in getaddresses(values) if "@" in addr]


def _ids(value: object) -> list[str]:
    return _IDS.findall(str(value or ""))


def _body(message: EmailMessage, kind: str) -> str | None:
    part = message.get_body(preferencelist=(kind,))
    if part is None:
        return None
    try:
        found = cast("str", cast("EmailMessage", part).get_content())
    except (LookupError, UnicodeError, AttributeError):
        payload = part.get_payload(decode=True)
        if not isinstance(payload, bytes):
            return None
        found = payload.decode("utf-8", "replace")
    return found.replace("\r\n", "\n")


def _from(message: EmailMessage) -> tuple[str, str | None]:
    header = message.get("From")
    try:
        addresses: tuple[Address, ...] = header.addresses if header is not None else ()
    except AttributeError:
        addresses = ()
    if addresses:
        return addresses[0].addr_spec.lower(), addresses[0].display_name or None
    name, addr = parseaddr(str(header or ""))
    return addr.lower(), name or None


def parse(raw: bytes) -> Parsed:
    """Parse ``raw``: addresses lower-cased, bodies decoded, attachments with their bytes."""
    message = message_from_bytes(raw, policy=policy.default)
    html = _body(message, "html")
    text = _body(message, "plain")
    if text is None:
        text = " ".join(_TAGS.sub(" ", html).split()) if html else ""
    attachments = []
    for part in message.iter_attachments():
        payload = part.get_payload(decode=True)
        if isinstance(payload, bytes):
            attachments.append(
                Part(
                    filename=(part.get_filename() or "attachment")[:255],
                    content_type=part.get_content_type(),
                    content=payload,
                )
            )
    from_address, from_name = _from(message)
    message_ids = _ids(message.get("Message-ID"))
    in_reply_to = _ids(message.get("In-Reply-To"))
    return Parsed(
        rfc_message_id=message_ids[0] if message_ids else None,
        from_address=from_address,
        from_name=from_name,
        to=_addresses(message, "To"),
        cc=_addresses(message, "Cc"),
        subject=str(message.get("Subject") or "")[:1000],
        text=text[:TEXT_LIMIT],
        html=html,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=_ids(message.get("References"))[:100],
        attachments=attachments,
        message=message,
    )
