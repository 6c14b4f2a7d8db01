"""Helpers of the MFA, session and SSO tests: a world with users, and a software passkey."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from typing import TYPE_CHECKING, Any

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec
from fido2.cose import ES256
from fido2.webauthn import (
    AttestationObject,
    AttestedCredentialData,
    AuthenticatorData,
    CollectedClientData,
)

if TYPE_CHECKING:
    from litestar.testing import TestClient
    from nexus.testing import TestTenant

# TOTP secrets are sealed with this keyring's keys (read when used).
os.environ.setdefault("NEXUS_IDENTITY_KEYS", Fernet.generate_key().decode())

TOKEN = "/api/v1/auth/token"
PASSWORD = "correct horse battery"
ORIGIN = "https://nexus.example"


def add_user(client: TestClient[Any], tenant: TestTenant, **fields: Any) -> str:
    """A user of ``tenant`` with ``PASSWORD``; their email."""
    email = f"u-{uuid.uuid4().hex[:8]}@example.com"
    created = client.post(
        "/api/v1/users",
        json={"email": email, "name": "U", "password": PASSWORD, **fields},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    return email


def sign_in(client: TestClient[Any], tenant: TestTenant, email: str) -> Any:
    """The answer of a password sign-in (tokens, or an MFA challenge)."""
    body = {"grant_type": "password", "tenant": tenant.slug, "email": email, "password": PASSWORD}
    return client.post(TOKEN, json=body)


def bearer(answer: Any) -> dict[str, str]:
    """The Authorization header of a sign-in's tokens."""
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class SoftPasskey:
    """A software WebAuthn authenticator: an ES256 key, "none" attestation, a counter.

    It answers the JSON options the server gives as a browser's ``PublicKeyCredential``
    JSON would (``navigator.credentials.create()``/``get()``), signing what a hardware
    authenticator signs (authenticator data followed by the client data's hash).
    """

    def __init__(self, origin: str = ORIGIN) -> None:
        self.origin = origin
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.credential_id = os.urandom(32)
        self.counter = 0

    def _rp_hash(self, rp_id: str) -> bytes:
        return hashlib.sha256(rp_id.encode()).digest()

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        """Answer registration options with an attestation."""
        client_data = CollectedClientData.create(
            type="webauthn.create", challenge=_unb64(options["challenge"]), origin=self.origin
        )
        attested = AttestedCredentialData.create(
            b"\0" * 16, self.credential_id, ES256.from_cryptography_key(self.key.public_key())
        )
        flags = AuthenticatorData.FLAG
        auth_data = AuthenticatorData.create(
            self._rp_hash(options["rp"]["id"]), flags.UP | flags.UV | flags.AT, 0, attested
        )
        attestation = AttestationObject.create("none", auth_data, {})
        return {
            "id": _b64(self.credential_id),
            "rawId": _b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(bytes(client_data)),
                "attestationObject": _b64(bytes(attestation)),
            },
        }

    def get(self, options: dict[str, Any]) -> dict[str, Any]:
        """Answer authentication options with an assertion signed by the key."""
        client_data = CollectedClientData.create(
            type="webauthn.get", challenge=_unb64(options["challenge"]), origin=self.origin
        )
        self.counter += 1
        flags = AuthenticatorData.FLAG
        auth_data = AuthenticatorData.create(
            self._rp_hash(options["rpId"]), flags.UP | flags.UV, self.counter
        )
        signature = self.key.sign(bytes(auth_data) + client_data.hash, ec.ECDSA(hashes.SHA256()))
        return {
            "id": _b64(self.credential_id),
            "rawId": _b64(self.credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": _b64(bytes(client_data)),
                "authenticatorData": _b64(bytes(auth_data)),
                "signature": _b64(signature),
            },
        }
