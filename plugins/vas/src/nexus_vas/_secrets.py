"""Secrets at rest and signed tokens: Fernet keys from the process's configuration.

``NEXUS_VAS_KEYS`` holds one or more Fernet keys separated by commas, the newest first:
new secrets are encrypted with the first, and any of them decrypts (``MultiFernet``). To
rotate, put a new key first, run ``POST /providers/rotate`` (``MultiFernet.rotate`` re-encrypts
every stored secret with it), then drop the old key.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from typing import Any

import msgspec
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from nexus_hookspecs.http import conflict

__all__ = ("KEYS_VARIABLE", "decrypt", "encrypt", "rotate", "sign_token", "verify_token")

KEYS_VARIABLE = "NEXUS_VAS_KEYS"


def _keys() -> list[bytes]:
    raw = os.environ.get(KEYS_VARIABLE, "")
    keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    if not keys:
        conflict(f"{KEYS_VARIABLE} is not configured: VAS cannot keep provider credentials")
    return keys


def _fernet() -> MultiFernet:
    return MultiFernet([Fernet(key) for key in _keys()])


def encrypt(value: Any) -> str:
    """Encrypt a JSON-able value with the newest key."""
    return _fernet().encrypt(msgspec.json.encode(value)).decode()


def decrypt(token: str) -> Any:
    """Decrypt what :func:`encrypt` made, with any configured key.

    Raises:
        ValueError: No configured key decrypts it (a key was dropped too early).
    """
    try:
        return msgspec.json.decode(_fernet().decrypt(token.encode()))
    except InvalidToken as exc:
        raise ValueError("no configured key decrypts this secret") from exc


def rotate(token: str) -> str:
    """Re-encrypt ``token`` with the newest key (``MultiFernet.rotate``)."""
    return _fernet().rotate(token.encode()).decode()


def _mac(purpose: str, message: str) -> str:
    key = hashlib.sha256(b"nexus-vas:" + purpose.encode() + b":" + _keys()[0]).digest()
    digest = hmac.new(key, message.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest[:18]).decode().rstrip("=")


def sign_token(purpose: str, payload: dict[str, str]) -> str:
    """A URL-safe token carrying ``payload``, signed (HMAC-SHA256) for ``purpose``."""
    body = base64.urlsafe_b64encode(msgspec.json.encode(payload)).decode().rstrip("=")
    return f"{body}.{_mac(purpose, body)}"


def verify_token(purpose: str, token: str) -> dict[str, str] | None:
    """The payload of a token :func:`sign_token` made for ``purpose``, or ``None``."""
    body, _, mac = token.partition(".")
    if not body or not mac or not hmac.compare_digest(mac, _mac(purpose, body)):
        return None
    try:
        decoded = msgspec.json.decode(
            base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), type=dict[str, str]
        )
    except (ValueError, msgspec.DecodeError):
        return None
    return decoded
