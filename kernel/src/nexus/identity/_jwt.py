"""JSON Web Tokens: RS256 pinned; exp, iat, sub, aud, iss and the tenant claim required.

The tenant claim ``tid`` must be present; it is ``null`` only in platform admins' tokens.
The ``scope`` claim (space-separated, as in RFC 9068) carries the scopes of the API key a
token was exchanged for, so a token never allows more than its key. The credential claim
``nexus_cred`` names what ``sub`` is (``user``, ``api_key`` or ``platform_key``): every
token is checked against that credential again (see ``Authenticator``), so revoking it,
disabling its user, changing its roles or suspending its tenant stops the token too. A
token never outlives its credential: ``exp`` is capped at the credential's expiry.
"""

from __future__ import annotations

import hashlib
import math
import time
from typing import TYPE_CHECKING, Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

if TYPE_CHECKING:
    from collections.abc import Iterable
    from uuid import UUID

    import asyncpg
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey, RSAPublicKey

    from nexus.settings import Settings

__all__ = (
    "ALGORITHM",
    "CREDENTIAL_CLAIM",
    "SCOPE_CLAIM",
    "SESSION_CLAIM",
    "TENANT_CLAIM",
    "JwtKeys",
    "ensure_signing_key",
    "load_jwt_keys",
)

ALGORITHM = "RS256"
TENANT_CLAIM = "tid"
SCOPE_CLAIM = "scope"
CREDENTIAL_CLAIM = "nexus_cred"
SESSION_CLAIM = "sid"
# PyJWT's "require" refuses null values too; the tenant claim may be null (platform admins),
# so its presence is checked separately.
_REQUIRED = ["exp", "iat", "sub", "aud", "iss"]


class JwtKeys:
    """The keys that sign new tokens and verify presented ones."""

    def __init__(
        self,
        *,
        signing_kid: str,
        signing_key: RSAPrivateKey,
        verifying: dict[str, RSAPublicKey],
        issuer: str,
        audience: str,
        ttl_s: int,
    ) -> None:
        self.signing_kid = signing_kid
        self._signing_key = signing_key
        self._verifying = verifying
        self.issuer = issuer
        self.audience = audience
        self.ttl_s = ttl_s

    def issue(
        self,
        *,
        subject: UUID,
        tenant_id: UUID | None,
        roles: list[str],
        credential: str,
        scopes: Iterable[str] = ("*",),
        not_after: float | None = None,
        session_id: UUID | None = None,
    ) -> tuple[str, int]:
        """Sign a token for ``subject``; return it and its lifetime in seconds.

        The token expires after the configured lifetime, or at ``not_after`` (epoch
        seconds: when the credential it is exchanged for expires) if that comes first.

        Args:
            subject: The id of the credential: a user's or an API key's.
            tenant_id: Its tenant; ``None`` for platform admins.
            roles: Its roles now.
            credential: What ``subject`` is: ``user``, ``api_key`` or ``platform_key``.
            scopes: The scopes it is limited to.
            not_after: When the credential expires, if it does.
            session_id: The sign-in session (``sid``) a user's token belongs to: revoking
                the session stops the token.
        """
        now = int(time.time())
        exp = now + self.ttl_s
        if not_after is not None:
            exp = min(exp, math.floor(not_after))
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": str(subject),
            TENANT_CLAIM: str(tenant_id) if tenant_id else None,
            "roles": roles,
            SCOPE_CLAIM: " ".join(sorted(scopes)),
            CREDENTIAL_CLAIM: credential,
            "iat": now,
            "nbf": now,
            "exp": exp,
        }
        if session_id is not None:
            claims[SESSION_CLAIM] = str(session_id)
        token = jwt.encode(
            claims, self._signing_key, algorithm=ALGORITHM, headers={"kid": self.signing_kid}
        )
        return token, max(0, exp - now)

    def verify(self, token: str) -> dict[str, Any]:
        """Return the claims of a valid token.

        Raises:
            jwt.InvalidTokenError: for any token that is not valid now, for this API.
        """
        kid = jwt.get_unverified_header(token).get("kid")
        key = self._verifying.get(kid) if isinstance(kid, str) else None
        if key is None:
            raise jwt.InvalidTokenError("unknown key id")
        claims: dict[str, Any] = jwt.decode(
            token,
            key,
            algorithms=[ALGORITHM],
            audience=self.audience,
            issuer=self.issuer,
            options={"require": _REQUIRED},
        )
        if TENANT_CLAIM not in claims:
            raise jwt.MissingRequiredClaimError(TENANT_CLAIM)
        return claims


def _kid(public_pem: bytes) -> str:
    return hashlib.sha256(public_pem).hexdigest()[:16]


def _public_pem(private: RSAPrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


async def ensure_signing_key(conn: asyncpg.Connection) -> str | None:
    """Create a signing key when none is active; return its kid (``None`` if one exists)."""
    if await conn.fetchval("select 1 from nexus_signing_key where retired_at is null limit 1"):
        return None
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    private_pem = private.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    public_pem = _public_pem(private)
    kid = _kid(public_pem)
    await conn.execute(
        "insert into nexus_signing_key (kid, algorithm, private_pem, public_pem) "
        "values ($1, $2, $3, $4) on conflict do nothing",
        kid,
        ALGORITHM,
        private_pem.decode(),
        public_pem.decode(),
    )
    return kid


async def load_jwt_keys(
    conn: asyncpg.pool.PoolConnectionProxy | asyncpg.Connection, settings: Settings
) -> JwtKeys:
    """Load the signing key and every stored verifying key.

    The signing key is ``NEXUS_JWT_PRIVATE_KEY`` when set, else the newest stored one. The
    API role reads no private key from the table: the stored one comes through the
    security-definer function ``nexus_signing_key_for_signing()``, its only way to it.
    """
    rows = await conn.fetch(
        "select kid, public_pem from nexus_signing_key order by created_at desc"
    )
    verifying = {
        row["kid"]: serialization.load_pem_public_key(row["public_pem"].encode()) for row in rows
    }
    if settings.jwt_private_key:
        signing = serialization.load_pem_private_key(settings.jwt_private_key.encode(), None)
        kid = _kid(_public_pem(signing))  # type: ignore[arg-type]
        verifying[kid] = signing.public_key()
    else:
        active = await conn.fetchrow("select kid, private_pem from nexus_signing_key_for_signing()")
        if active is None:
            raise RuntimeError("no JWT signing key: run `nexus migrate`")
        kid = active["kid"]
        signing = serialization.load_pem_private_key(active["private_pem"].encode(), None)
    return JwtKeys(
        signing_kid=kid,
        signing_key=signing,  # type: ignore[arg-type]
        verifying=verifying,  # type: ignore[arg-type]
        issuer=settings.jwt_issuer,
        audience=settings.jwt_audience,
        ttl_s=settings.jwt_ttl_s,
    )
