"""Provider keys at rest: Fernet keys from the process's configuration.

``NEXUS_PAYMENTS_KEYS`` holds one or more Fernet keys separated by commas, the newest
first: new secrets are encrypted with the first, and any of them decrypts
(``MultiFernet``). To rotate, put a new key first, run ``POST /accounts/rotate``, then drop
the old key. Without a key, the routes that keep or use credentials answer 409.
"""

from __future__ import annotations

import os
from typing import Any

import msgspec
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from nexus_hookspecs.http import conflict

__all__ = ("KEYS_VARIABLE", "decrypt", "encrypt", "rotate")

KEYS_VARIABLE = "NEXUS_PAYMENTS_KEYS"


def _fernet() -> MultiFernet:
    raw = os.environ.get(KEYS_VARIABLE, "")
    keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
    if not keys:
        conflict(f"{KEYS_VARIABLE} is not configured: payments cannot keep provider keys")
    return MultiFernet([Fernet(key) for key in keys])


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
