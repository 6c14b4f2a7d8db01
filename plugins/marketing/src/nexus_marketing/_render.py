"""Personalization and tracking of a campaign's message for one recipient."""

from __future__ import annotations

import html as html_lib
import re
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from nexus_marketing._keys import KEYRING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("personalize", "track_html", "unsubscribe_url")

_FIELD = re.compile(r"\{\{\s*(first_name|name|email|phone)\s*\}\}")
_LINK = re.compile(r"""href=(["'])(https?://[^"']+)\1""")


def personalize(template: str, contact: Mapping[str, Any], *, escape: bool = False) -> str:
    """``template`` with ``{{ name }}``, ``{{ first_name }}``, ``{{ email }}``, ``{{ phone }}``."""
    name = str(contact.get("name") or "")
    values = {
        "name": name,
        "first_name": name.split(" ", 1)[0],
        "email": str(contact.get("email") or ""),
        "phone": str(contact.get("phone") or ""),
    }

    def fill(found: re.Match[str]) -> str:
        value = values[found.group(1)]
        return html_lib.escape(value) if escape else value

    return _FIELD.sub(fill, template)


def _token(purpose: str, recipient_id: str, **extra: str) -> str:
    return KEYRING.sign_token(purpose, {"r": recipient_id, **extra})


def unsubscribe_url(base: str, recipient_id: str) -> str:
    """The signed one-click unsubscribe link of a recipient."""
    return f"{base}/unsubscribe/{_token('unsubscribe', recipient_id)}"


def track_html(body: str, base: str, recipient_id: str) -> str:
    """``body`` with its links through the signed click redirect and an open pixel."""

    def wrap(found: re.Match[str]) -> str:
        token = _token("click", recipient_id, u=html_lib.unescape(found.group(2)))
        return f'href="{base}/c/{quote(token)}"'

    pixel = f'<img src="{base}/o/{_token("open", recipient_id)}" width="1" height="1" alt="">'
    return _LINK.sub(wrap, body) + pixel
