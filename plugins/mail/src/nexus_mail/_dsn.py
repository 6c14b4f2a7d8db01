"""Delivery status notifications (RFC 3464) and complaint reports (ARF, RFC 5965).

A bounce names the original message by its ``Message-ID`` (in the returned headers) and
each failed recipient with its status; a complaint carries the original message whole.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import msgspec

if TYPE_CHECKING:
    from email.message import EmailMessage, Message

__all__ = ("Report", "read_report")

_ID = re.compile(r"<[^<>\s]+>")


class Report(msgspec.Struct, kw_only=True):
    """One failed recipient (or complainant) of an original message."""

    kind: str
    original_message_id: str | None
    recipient: str
    status: str | None
    diagnostic: str | None


def _original_id(part: Message) -> str | None:
    payload = part.get_payload()
    if isinstance(payload, list) and payload and not isinstance(payload[0], str):
        inner = payload[0]
        found = _ID.findall(str(inner.get("Message-ID") or ""))
        return found[0] if found else None
    text = payload if isinstance(payload, str) else ""
    match = re.search(r"^Message-ID:\s*(<[^<>\s]+>)", text, re.I | re.M)
    return match.group(1) if match else None


def _fields(part: Message) -> list[dict[str, str]]:
    # message/delivery-status: blocks of header fields; the first is per message.
    raw = part.get_payload()
    blocks = raw if isinstance(raw, list) else []
    found = []
    for block in blocks:
        if isinstance(block, str):
            continue
        found.append({k.lower(): str(v) for k, v in block.items()})
    return found


def _address(value: str | None) -> str:
    return (value or "").rpartition(";")[2].strip().strip("<>").lower()


def read_report(message: EmailMessage) -> list[Report]:
    """The bounces or the complaint ``message`` reports; ``[]`` when it is neither."""
    if message.get_content_type() != "multipart/report":
        return []
    report_type = str(message.get_param("report-type", "")).lower()
    parts = list(message.iter_parts())
    original = next(
        (
            _original_id(p)
            for p in parts
            if p.get_content_type()
            in ("message/rfc822", "text/rfc822-headers", "message/rfc822-headers")
        ),
        None,
    )
    if report_type == "delivery-status":
        status_part = next(
            (p for p in parts if p.get_content_type() == "message/delivery-status"), None
        )
        if status_part is None:
            return []
        found = []
        for block in _fields(status_part)[1:]:
            action = block.get("action", "").lower()
            if action not in ("failed", ""):
                continue
            found.append(
                Report(
                    kind="bounce",
                    original_message_id=original,
                    recipient=_address(
                        block.get("final-recipient") or block.get("original-recipient")
                    ),
                    status=(block.get("status") or None),
                    diagnostic=(block.get("diagnostic-code") or None),
                )
            )
        return [r for r in found if r.recipient]
    if report_type == "feedback-report":
        feedback = next(
            (p for p in parts if p.get_content_type() == "message/feedback-report"), None
        )
        blocks = _fields(feedback) if feedback is not None else []
        fields = blocks[0] if blocks else {}
        recipient = _address(fields.get("original-rcpt-to"))
        if not recipient:
            inner = next((p for p in parts if p.get_content_type() == "message/rfc822"), None)
            payload = inner.get_payload() if inner is not None else None
            if isinstance(payload, list) and payload and not isinstance(payload[0], str):
                recipient = _address(str(payload[0].get("To") or ""))
        return (
            [
                Report(
                    kind="complaint",
                    original_message_id=original,
                    recipient=recipient,
                    status=None,
                    diagnostic=fields.get("feedback-type"),
                )
            ]
            if recipient
            else []
        )
    return []
