"""Secrets at rest and signed tokens, with Fernet keys from the process's configuration.

A plugin that keeps tenants' provider credentials (API keys, webhook secrets) encrypts them
with a :class:`Keyring` over one environment variable holding one or more Fernet keys,
comma-separated, the newest first: new secrets are encrypted with the first, any of them
decrypts (``MultiFernet``). To rotate keys, put a new key first, re-encrypt every stored
secret with :meth:`Keyring.rotate`, then drop the old key. Without a key, what needs one
answers 409 naming the variable. Needs the ``secrets`` and ``litestar`` extras
(``nexus-hookspecs[litestar,secrets]``; 0.1.4).

Example::

    keyring = Keyring("NEXUS_BOOKINGS_KEYS", owner="bookings")
    stored = keyring.encrypt({"api_key": "sk_live_..."})
    keyring.decrypt(stored)["api_key"]
    link = keyring.sign_token("unsubscribe", {"tenant": "acme", "user": "42"})
    keyring.verify_token("unsubscribe", link)  # {"tenant": "acme", "user": "42"}
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

__all__ = ("Keyring",)


class Keyring:
    """Fernet keys from one environment variable, read when used (so tests may set it late).

    Args:
        variable: The environment variable holding the keys (``NEXUS_<PLUGIN>_KEYS``).
        owner: The plugin's name: in the 409's detail, and in the signing keys' derivation
            (a token signed for one plugin never verifies for another).
    """

    def __init__(self, variable: str, *, owner: str) -> None:
        self.variable = variable
        self.owner = owner

    def _keys(self) -> list[bytes]:
        raw = os.environ.get(self.variable, "")
        keys = [part.strip().encode() for part in raw.split(",") if part.strip()]
        if not keys:
            conflict(f"{self.variable} is not configured: {self.owner} cannot keep secrets")
        return keys

    def _fernet(self) -> MultiFernet:
        return MultiFernet([Fernet(key) for key in self._keys()])

    def encrypt(self, value: Any) -> str:
        """Encrypt a JSON-able value with the newest key."""
        return self._fernet().encrypt(msgspec.json.encode(value)).decode()

    def decrypt(self, token: str) -> Any:
        """Decrypt what :meth:`encrypt` made, with any configured key.

        Raises:
            ValueError: No configured key decrypts it (a key was dropped too early).
        """
        try:
            return msgspec.json.decode(self._fernet().decrypt(token.encode()))
        except InvalidToken as exc:
            raise ValueError("no configured key decrypts this secret") from exc

    def rotate(self, token: str) -> str:
        """Re-encrypt ``token`` with the newest key (``MultiFernet.rotate``)."""
        return self._fernet().rotate(token.encode()).decode()

    def _mac(self, purpose: str, message: str) -> str:
        seed = f"nexus-{self.owner}:{purpose}:".encode() + self._keys()[0]
        digest = hmac.new(hashlib.sha256(seed).digest(), message.encode(), hashlib.sha256)
        return base64.urlsafe_b64encode(digest.digest()[:18]).decode().rstrip("=")

    def sign_token(self, purpose: str, payload: dict[str, str]) -> str:
        """A URL-safe token carrying ``payload``, signed (HMAC-SHA256) for ``purpose``.

        Signed with a key derived from the newest Fernet key: rotating keys ends the tokens
        signed before (a link in an old email, a callback URL given to a provider).
        """
        body = base64.urlsafe_b64encode(msgspec.json.encode(payload)).decode().rstrip("=")
        return f"{body}.{self._mac(purpose, body)}"

    def verify_token(self, purpose: str, token: str) -> dict[str, str] | None:
        """The payload of a token :meth:`sign_token` made for ``purpose``, or ``None``."""
        body, _, mac = token.partition(".")
        if not body or not mac or not hmac.compare_digest(mac, self._mac(purpose, body)):
            return None
        try:
            decoded = msgspec.json.decode(
                base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)), type=dict[str, str]
            )
        except (ValueError, msgspec.DecodeError):
            return None
        return decoded
