"""API key and password secrets: generation, parsing, hashing."""

from __future__ import annotations

import functools
import hashlib
import secrets
from uuid import UUID

import msgspec
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

__all__ = (
    "PLATFORM_KEY_PREFIX",
    "TENANT_KEY_PREFIX",
    "ParsedKey",
    "hash_password",
    "hash_secret",
    "new_key",
    "parse_key",
    "verify_password",
)

TENANT_KEY_PREFIX = "nxk"
PLATFORM_KEY_PREFIX = "nxp"

_hasher = PasswordHasher()  # argon2id with the library's (RFC 9106) defaults


class ParsedKey(msgspec.Struct, frozen=True):
    """The parts of an API key: ``nxk_<tenant>_<key id>_<secret>`` or ``nxp_<key id>_<secret>``."""

    prefix: str
    tenant_id: UUID | None
    key_id: UUID
    secret: str


def new_key(*, key_id: UUID, tenant_id: UUID | None) -> tuple[str, bytes]:
    """Make a new API key; return the key (shown once) and the hash to store."""
    secret = secrets.token_urlsafe(32)
    if tenant_id is None:
        key = f"{PLATFORM_KEY_PREFIX}_{key_id.hex}_{secret}"
    else:
        key = f"{TENANT_KEY_PREFIX}_{tenant_id.hex}_{key_id.hex}_{secret}"
    return key, hash_secret(secret)


def parse_key(token: str) -> ParsedKey | None:
    """Split an API key into its parts, or return ``None`` when it is not one."""
    try:
        if token.startswith(TENANT_KEY_PREFIX + "_"):
            prefix, tenant, key, secret = token.split("_", 3)
            return ParsedKey(prefix, UUID(hex=tenant), UUID(hex=key), secret)
        if token.startswith(PLATFORM_KEY_PREFIX + "_"):
            prefix, key, secret = token.split("_", 2)
            return ParsedKey(prefix, None, UUID(hex=key), secret)
    except ValueError:
        return None
    return None


def hash_secret(secret: str) -> bytes:
    """Hash a random key secret (SHA-256: the secret has 256 bits of entropy)."""
    return hashlib.sha256(secret.encode()).digest()


def hash_password(password: str) -> str:
    """Hash a password with argon2id."""
    return _hasher.hash(password)


@functools.cache
def _dummy_hash() -> str:
    # A hash no password matches (its password is random and forgotten), made once.
    return _hasher.hash(secrets.token_urlsafe(32))


def verify_password(password: str, stored: str | None) -> bool:
    """Check a password against its argon2 hash (``False`` when there is none).

    Without a hash (no such user, a user without a password, a disabled one), a dummy
    hash is verified all the same, so every refusal takes one argon2 verification and the
    time of the answer does not tell whether the user exists.
    """
    try:
        return _hasher.verify(stored or _dummy_hash(), password) and bool(stored)
    except (VerificationError, InvalidHashError):
        return False
