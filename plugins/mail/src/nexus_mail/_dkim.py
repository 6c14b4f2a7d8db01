"""DKIM keys, the records to publish, signing and verifying (dkimpy, cryptography)."""

from __future__ import annotations

import base64
from typing import TYPE_CHECKING

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("dkim_record", "new_key_pair", "sign", "verify")

_SIGNED = (
    b"from",
    b"to",
    b"cc",
    b"subject",
    b"date",
    b"message-id",
    b"reply-to",
    b"in-reply-to",
    b"references",
    b"mime-version",
    b"content-type",
)


def new_key_pair() -> tuple[str, str]:
    """A new 2048-bit RSA key: (private key PEM, public key as base64 DER for ``p=``)."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    ).decode()
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return private, base64.b64encode(public).decode()


def dkim_record(public_key: str) -> str:
    """The TXT value to publish at ``<selector>._domainkey.<domain>``."""
    return f"v=DKIM1; k=rsa; p={public_key}"


def sign(message: bytes, *, domain: str, selector: str, private_key: str) -> bytes:
    """``message`` with a ``DKIM-Signature`` header (relaxed/relaxed, rsa-sha256) first."""
    import dkim  # noqa: PLC0415 -- dkimpy pulls dnspython (0.13 s): imported when mail is signed

    header: bytes = dkim.sign(
        message,
        selector.encode(),
        domain.encode(),
        private_key.encode(),
        canonicalize=(b"relaxed", b"relaxed"),
        include_headers=list(_SIGNED),
    )
    return header + message


def verify(message: bytes, dnsfunc: Callable[..., bytes | None]) -> tuple[bool, str | None]:
    """Whether the first DKIM signature verifies, and its ``d=`` domain (``None``: unsigned)."""
    import dkim  # noqa: PLC0415 -- as in sign()

    checker = dkim.DKIM(message)
    try:
        ok = checker.verify(dnsfunc=dnsfunc)
    except dkim.DKIMException:
        ok = False
    domain = checker.domain.decode().lower() if checker.domain else None
    return bool(ok), domain
