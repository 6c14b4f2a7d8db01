"""Each tenant's ID-token signing keys: RS256, stored encrypted, rotated with an overlap.

A tenant's first key is made when its issuer first needs one. The private half is kept
encrypted with the Fernet keys of ``NEXUS_IDAAS_KEYS`` (``nexus_hookspecs.secrets.Keyring``);
without them the provider answers 409 naming the variable. Rotating makes a new key the
signing one and retires the old, which stays in the JWKS for ``RETIRED_KEPT`` so tokens
signed just before still verify.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING, Any

import msgspec
from joserfc.jwk import RSAKey
from nexus_hookspecs.secrets import Keyring

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = ("KEYS_VARIABLE", "RETIRED_KEPT", "SigningKey", "jwks", "rotate_key", "signing_key")

KEYS_VARIABLE = "NEXUS_IDAAS_KEYS"
RETIRED_KEPT = timedelta(days=7)
ALGORITHM = "RS256"

_KEYRING = Keyring(KEYS_VARIABLE, owner="idaas")
# The API role cannot read private keys from the table (nexus.schema._credentials).
_SIGNING = "select kid, private_jwk from nexus_oidc_key_for_signing()"


class SigningKey(msgspec.Struct, frozen=True):
    """A tenant's current signing key: its id and the private JWK (a dict)."""

    kid: str
    private_jwk: dict[str, Any]


async def _new_key(conn: Connection) -> SigningKey:
    key = await asyncio.to_thread(partial(RSAKey.generate_key, 2048, auto_kid=True))
    private = key.as_dict(private=True)
    public = key.as_dict(private=False) | {"use": "sig", "alg": ALGORITHM}
    await conn.execute(
        "insert into nexus_oidc_key (tenant_id, kid, private_jwk, public_jwk) "
        "values (nullif(current_setting('nexus.tenant_id', true), '')::uuid, $1, $2, $3)",
        key.kid,
        _KEYRING.encrypt(private),
        msgspec.json.encode(public).decode(),
    )
    return SigningKey(str(key.kid), private)


async def signing_key(conn: Connection) -> SigningKey:
    """The tenant's signing key (of the transaction's tenant), made on first use.

    Raises:
        litestar.exceptions.HTTPException: 409 when ``NEXUS_IDAAS_KEYS`` is not set.
    """
    row = await conn.fetchrow(_SIGNING)
    if row is None:
        # Two first requests at once: the advisory lock lets one make the key.
        await conn.execute("select pg_advisory_xact_lock(hashtext('nexus_oidc_key'))")
        row = await conn.fetchrow(_SIGNING)
        if row is None:
            return await _new_key(conn)
    return SigningKey(row["kid"], _KEYRING.decrypt(row["private_jwk"]))


async def rotate_key(conn: Connection) -> str:
    """Make a new signing key, retire the current one (kept in the JWKS); return the new kid."""
    _KEYRING.encrypt({})  # 409 before anything changes when no key is configured
    await conn.execute("update nexus_oidc_key set retired_at = now() where retired_at is null")
    return (await _new_key(conn)).kid


async def jwks(conn: Connection) -> dict[str, Any]:
    """The tenant's public keys: the signing one and those retired within ``RETIRED_KEPT``."""
    rows = await conn.fetch(
        "select public_jwk from nexus_oidc_key "
        "where retired_at is null or retired_at > now() - $1::interval order by created_at desc",
        RETIRED_KEPT,
    )
    return {"keys": [msgspec.json.decode(row["public_jwk"]) for row in rows]}
