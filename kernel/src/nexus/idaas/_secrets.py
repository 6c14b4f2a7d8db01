"""Random secrets of the provider (client secrets, codes, tokens): made and hashed."""

from __future__ import annotations

import hashlib
import secrets

__all__ = ("hash_token", "new_secret")


def new_secret() -> str:
    """A URL-safe random value with 256 bits of entropy."""
    return secrets.token_urlsafe(32)


def hash_token(value: str) -> bytes:
    """SHA-256 of a random value: enough for 256 bits of entropy, and searchable."""
    return hashlib.sha256(value.encode()).digest()
