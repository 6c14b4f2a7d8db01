"""DKIM private keys at rest: Fernet-encrypted with the operator's keys when configured.

``NEXUS_MAIL_SECRET_KEYS`` holds one or more Fernet keys, comma-separated: the first seals
new keys, every one opens (rotation: put the new key first, keep the old ones until every
domain's key was re-sealed or re-created). Without it keys are kept as they are, and still
never returned by any route.
"""

from __future__ import annotations

import os

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

__all__ = ("KeyUnavailableError", "open_key", "seal_key")

_PREFIX = "fernet:"


class KeyUnavailableError(RuntimeError):
    """A sealed key cannot be opened with the configured keys."""


def _fernet() -> MultiFernet | None:
    raw = os.environ.get("NEXUS_MAIL_SECRET_KEYS", "").strip()
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    return MultiFernet([Fernet(k) for k in keys]) if keys else None


def seal_key(pem: str) -> str:
    """``pem`` as it is stored: sealed when keys are configured."""
    fernet = _fernet()
    return pem if fernet is None else _PREFIX + fernet.encrypt(pem.encode()).decode()


def open_key(stored: str) -> str:
    """The PEM of a stored key.

    Raises:
        KeyUnavailableError: It is sealed and no configured key opens it.
    """
    if not stored.startswith(_PREFIX):
        return stored
    fernet = _fernet()
    if fernet is None:
        raise KeyUnavailableError("NEXUS_MAIL_SECRET_KEYS is not set")
    try:
        return fernet.decrypt(stored[len(_PREFIX) :].encode()).decode()
    except InvalidToken as exc:
        raise KeyUnavailableError("no configured key opens the DKIM key") from exc
