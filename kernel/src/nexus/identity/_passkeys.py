"""WebAuthn passkeys as second factors, with Duo's ``webauthn`` library.

The relying party is the API's public origin (``NEXUS_PUBLIC_URL``, else the request's own):
its host is the RP ID. Registration and authentication options carry a fresh challenge
that the caller keeps (an MFA ticket, or the registration's pending row) and the answer is
verified against; the credential's public key and signature counter are stored.
"""

from __future__ import annotations

import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit
from uuid import UUID

import msgspec
from webauthn import (
    generate_authentication_options,
    generate_registration_options,
    options_to_json,
    verify_authentication_response,
    verify_registration_response,
)
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import PublicKeyCredentialDescriptor

from nexus.db import new_id
from nexus.identity._events import MFA_ENROLLED, MFA_REMOVED, MfaChanged, mfa_event, publish

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = (
    "Passkey",
    "RelyingParty",
    "authentication_options",
    "list_passkeys",
    "register_passkey",
    "registration_options",
    "remove_passkey",
    "verify_passkey",
)

_PASSKEY = "id, name, created_at, last_used_at"


class Passkey(msgspec.Struct, kw_only=True):
    """A registered passkey (never its key)."""

    id: UUID
    name: str
    created_at: datetime
    last_used_at: datetime | None


class RelyingParty(msgspec.Struct, frozen=True):
    """Who the passkeys are for: the origin the browser shows and its host (the RP ID)."""

    origin: str
    rp_id: str

    @classmethod
    def of(cls, base_url: str) -> RelyingParty:
        """The relying party of the API served at ``base_url``."""
        parts = urlsplit(base_url)
        return cls(origin=f"{parts.scheme}://{parts.netloc}", rp_id=parts.hostname or "")


async def _descriptors(conn: Connection, user_id: UUID) -> list[PublicKeyCredentialDescriptor]:
    rows = await conn.fetch(
        "select credential_id from nexus_mfa_passkey where user_id = $1", user_id
    )
    return [PublicKeyCredentialDescriptor(id=bytes(row["credential_id"])) for row in rows]


async def registration_options(
    conn: Connection, rp: RelyingParty, *, user_id: UUID, email: str, name: str
) -> tuple[dict[str, Any], bytes]:
    """Options for ``navigator.credentials.create()`` (JSON-ready) and their challenge."""
    challenge = secrets.token_bytes(32)
    options = generate_registration_options(
        rp_id=rp.rp_id,
        rp_name="Nexus",
        user_name=email,
        user_id=user_id.bytes,
        user_display_name=name or email,
        challenge=challenge,
        exclude_credentials=await _descriptors(conn, user_id),
    )
    return msgspec.json.decode(options_to_json(options)), challenge


async def register_passkey(
    conn: Connection,
    rp: RelyingParty,
    *,
    tenant_id: UUID,
    user_id: UUID,
    name: str,
    credential: dict[str, Any],
    challenge: bytes,
) -> Passkey | None:
    """Verify an attestation against ``challenge`` and keep its key; ``None`` if it fails."""
    try:
        verified = verify_registration_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return None
    row = await conn.fetchrow(
        "insert into nexus_mfa_passkey (tenant_id, id, user_id, name, credential_id, "
        "public_key, sign_count) values ($1, $2, $3, $4, $5, $6, $7) "
        f"on conflict (tenant_id, credential_id) do nothing returning {_PASSKEY}",
        tenant_id,
        new_id(),
        user_id,
        name,
        verified.credential_id,
        verified.credential_public_key,
        verified.sign_count,
    )
    if row is None:
        return None
    data = MfaChanged(user_id=user_id, factor="webauthn")
    await publish(conn, tenant_id, type=MFA_ENROLLED, data=data)
    return msgspec.convert(dict(row), Passkey)


async def authentication_options(
    conn: Connection, rp: RelyingParty, user_id: UUID
) -> tuple[dict[str, Any], bytes]:
    """Options for ``navigator.credentials.get()`` naming the user's passkeys, and the challenge."""
    challenge = secrets.token_bytes(32)
    options = generate_authentication_options(
        rp_id=rp.rp_id, challenge=challenge, allow_credentials=await _descriptors(conn, user_id)
    )
    return msgspec.json.decode(options_to_json(options)), challenge


def _raw_id(credential: dict[str, Any]) -> bytes | None:
    from webauthn import base64url_to_bytes  # noqa: PLC0415 - the library's own decoding

    raw = credential.get("rawId") or credential.get("id")
    try:
        return base64url_to_bytes(raw) if isinstance(raw, str) else None
    except ValueError:
        return None


async def verify_passkey(
    conn: Connection,
    rp: RelyingParty,
    *,
    user_id: UUID,
    credential: dict[str, Any],
    challenge: bytes,
) -> bool:
    """Whether ``credential`` is an assertion of one of the user's passkeys over ``challenge``.

    A verified assertion moves the passkey's signature counter forward (a cloned
    authenticator's counter falls behind and is refused by the library).
    """
    credential_id = _raw_id(credential)
    if credential_id is None:
        return False
    row = await conn.fetchrow(
        "select id, public_key, sign_count from nexus_mfa_passkey "
        "where user_id = $1 and credential_id = $2 for update",
        user_id,
        credential_id,
    )
    if row is None:
        return False
    try:
        verified = verify_authentication_response(
            credential=credential,
            expected_challenge=challenge,
            expected_rp_id=rp.rp_id,
            expected_origin=rp.origin,
            credential_public_key=bytes(row["public_key"]),
            credential_current_sign_count=row["sign_count"],
        )
    except (WebAuthnException, ValueError, KeyError, TypeError):
        return False
    await conn.execute(
        "update nexus_mfa_passkey set sign_count = $2, last_used_at = now() where id = $1",
        row["id"],
        verified.new_sign_count,
    )
    return True


async def list_passkeys(conn: Connection, user_id: UUID) -> list[Passkey]:
    """The user's passkeys, oldest first."""
    rows = await conn.fetch(
        f"select {_PASSKEY} from nexus_mfa_passkey where user_id = $1 order by id", user_id
    )
    return [msgspec.convert(dict(row), Passkey) for row in rows]


async def remove_passkey(conn: Connection, user_id: UUID, passkey_id: UUID) -> bool:
    """Remove one of the user's passkeys; ``False`` when they have no such passkey."""
    status = await conn.execute(
        "delete from nexus_mfa_passkey where user_id = $1 and id = $2", user_id, passkey_id
    )
    if status == "DELETE 0":
        return False
    await mfa_event(conn, MFA_REMOVED, user_id=user_id, factor="webauthn")
    return True
