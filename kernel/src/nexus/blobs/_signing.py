"""Signed URLs of the local file store: HMAC-SHA256 over the object key and the expiry."""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import os
import secrets
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("UrlSigner",)


class UrlSigner:
    """Signs and checks ``(object key, expiry)`` with a secret every worker shares.

    Example::

        signer = UrlSigner(secrets.token_bytes(32))
        signature = signer.sign("tenant/key", 1_900_000_000)
        assert signer.verify("tenant/key", 1_900_000_000, signature, now=1_800_000_000)
    """

    def __init__(self, secret: bytes) -> None:
        if len(secret) < 32:
            raise ValueError("the signing secret must have at least 32 bytes")
        self._secret = secret

    @classmethod
    def from_file(cls, path: Path) -> UrlSigner:
        """Read the secret kept in ``path``, creating it (mode 0600) if there is none.

        Workers starting together agree: the secret is written to a temporary file and
        linked into place, so exactly one of them creates it and every one reads the same.
        """
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            draft = path.with_name(f".{path.name}.{secrets.token_hex(8)}")
            fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                os.write(fd, secrets.token_hex(32).encode())
            finally:
                os.close(fd)
            with contextlib.suppress(FileExistsError):
                os.link(draft, path)
            draft.unlink()
        return cls(bytes.fromhex(path.read_text().strip()))

    def sign(self, key: str, expires: int) -> str:
        """The signature of ``key`` until ``expires`` (Unix seconds), in hex."""
        message = f"{expires}\n{key}".encode()
        return hmac.new(self._secret, message, hashlib.sha256).hexdigest()

    def verify(self, key: str, expires: int, signature: str, *, now: float) -> bool:
        """Whether ``signature`` is this signer's for ``key`` and ``expires`` is still ahead."""
        # Compared as bytes: compare_digest refuses str with non-ASCII characters.
        expected = self.sign(key, expires).encode()
        return now < expires and hmac.compare_digest(expected, signature.encode())
