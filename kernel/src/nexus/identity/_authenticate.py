"""Turning a bearer token into a principal, with a short per-process memory."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any
from uuid import UUID

import jwt

from nexus.identity._jwt import SCOPE_CLAIM, TENANT_CLAIM
from nexus.identity._principal import Principal, PrincipalKind, Role
from nexus.identity._secrets import hash_secret, parse_key

if TYPE_CHECKING:
    from nexus.db import PostgresDatabase
    from nexus.identity._jwt import JwtKeys

__all__ = ("AuthError", "Authenticator", "TenantRecord")

_CACHE_LIMIT = 50_000


class AuthError(Exception):
    """Authentication or tenant admission failed; carries the problem to answer with."""

    def __init__(self, status: int, slug: str, detail: str | None) -> None:
        super().__init__(detail or slug)
        self.status = status
        self.slug = slug
        self.detail = detail


class TenantRecord:
    """The few tenant fields authentication needs."""

    __slots__ = ("id", "slug", "status")

    def __init__(self, id: UUID, slug: str, status: str) -> None:  # noqa: A002 - column name
        self.id = id
        self.slug = slug
        self.status = status


_KEY_QUERY = """
select k.roles, k.scopes, k.expires_at, k.revoked_at, t.slug, t.status
  from nexus_api_key k join nexus_tenant t on t.id = k.tenant_id
 where k.tenant_id = $1 and k.id = $2 and k.secret_hash = $3
"""
_TOUCH_KEY = """
update nexus_api_key set last_used_at = now()
 where tenant_id = $1 and id = $2
   and (last_used_at is null or last_used_at < now() - interval '1 minute')
"""
_PLATFORM_QUERY = """
select expires_at, revoked_at from nexus_platform_key where id = $1 and secret_hash = $2
"""
_TOUCH_PLATFORM = """
update nexus_platform_key set last_used_at = now()
 where id = $1 and (last_used_at is null or last_used_at < now() - interval '1 minute')
"""


class Authenticator:
    """Verifies API keys, platform keys and JWTs.

    Verified credentials are remembered for ``ttl_s`` seconds so the request path costs a
    dictionary lookup; revoking a key or suspending a tenant forgets them in this process at
    once and in the others within ``ttl_s``.
    """

    def __init__(self, database: PostgresDatabase, *, ttl_s: float) -> None:
        self.database = database
        self.ttl_s = ttl_s
        self.jwt: JwtKeys | None = None
        self._principals: dict[str, tuple[float, Principal]] = {}
        self._tenants: dict[str, tuple[float, TenantRecord]] = {}

    def forget(self) -> None:
        """Drop every remembered credential and tenant (after a revocation or suspension)."""
        self._principals.clear()
        self._tenants.clear()

    async def authenticate(self, token: str) -> Principal:
        """Return the principal of ``token``.

        Raises:
            AuthError: 401 for a missing, malformed, unknown, revoked or expired credential;
                403 when its tenant is suspended or gone.
        """
        now = time.monotonic()
        remembered = self._principals.get(token)
        if remembered is not None and remembered[0] > now:
            principal = remembered[1]
            if principal.expires_at is None or principal.expires_at > time.time():
                return principal
        principal = await self._verify(token)
        if len(self._principals) >= _CACHE_LIMIT:
            self._principals.clear()
        self._principals[token] = (now + self.ttl_s, principal)
        return principal

    async def tenant(self, ref: str) -> TenantRecord | None:
        """Find a tenant by id or slug (remembered like credentials)."""
        now = time.monotonic()
        remembered = self._tenants.get(ref)
        if remembered is not None and remembered[0] > now:
            return remembered[1]
        try:
            condition, value = "id = $1", UUID(ref)
        except ValueError:
            condition, value = "slug = $1", ref  # type: ignore[assignment]
        async with self.database.pool.acquire() as conn:
            row = await conn.fetchrow(
                f"select id, slug, status from nexus_tenant where {condition}", value
            )
        if row is None:
            return None
        record = TenantRecord(row["id"], row["slug"], row["status"])
        self._tenants[ref] = (now + self.ttl_s, record)
        return record

    async def _verify(self, token: str) -> Principal:
        parsed = parse_key(token)
        if parsed is not None and parsed.tenant_id is not None:
            return await self._tenant_key(parsed.tenant_id, parsed.key_id, parsed.secret)
        if parsed is not None:
            return await self._platform_key(parsed.key_id, parsed.secret)
        return await self._jwt(token)

    async def _tenant_key(self, tenant_id: UUID, key_id: UUID, secret: str) -> Principal:

        async with self.database.transaction(tenant_id=tenant_id) as conn:
            row = await conn.fetchrow(_KEY_QUERY, tenant_id, key_id, hash_secret(secret))
            if row is not None:
                await conn.execute(_TOUCH_KEY, tenant_id, key_id)
        if row is None or row["revoked_at"] is not None:
            raise AuthError(401, "unauthorized", "invalid or revoked API key")
        expires_at = row["expires_at"].timestamp() if row["expires_at"] else None
        if expires_at is not None and expires_at <= time.time():
            raise AuthError(401, "unauthorized", "the API key has expired")
        _admit(row["status"], row["slug"])
        return Principal(
            kind=PrincipalKind.API_KEY,
            subject=key_id,
            tenant_id=tenant_id,
            roles=frozenset(row["roles"]),
            scopes=frozenset(row["scopes"]),
            expires_at=expires_at,
        )

    async def _platform_key(self, key_id: UUID, secret: str) -> Principal:

        async with self.database.transaction() as conn:
            row = await conn.fetchrow(_PLATFORM_QUERY, key_id, hash_secret(secret))
            if row is not None:
                await conn.execute(_TOUCH_PLATFORM, key_id)
        if row is None or row["revoked_at"] is not None:
            raise AuthError(401, "unauthorized", "invalid or revoked platform key")
        expires_at = row["expires_at"].timestamp() if row["expires_at"] else None
        if expires_at is not None and expires_at <= time.time():
            raise AuthError(401, "unauthorized", "the platform key has expired")
        return Principal(
            kind=PrincipalKind.PLATFORM_KEY,
            subject=key_id,
            tenant_id=None,
            roles=frozenset({Role.PLATFORM_ADMIN}),
            expires_at=expires_at,
        )

    async def _jwt(self, token: str) -> Principal:
        if self.jwt is None:
            raise AuthError(401, "unauthorized", "token authentication is not ready")
        try:
            claims: dict[str, Any] = self.jwt.verify(token)
            subject = UUID(claims["sub"])
            tenant_id = UUID(claims[TENANT_CLAIM]) if claims[TENANT_CLAIM] else None
            roles = frozenset(str(role) for role in claims.get("roles", ()))
            # Tokens signed before the scope claim existed carried no narrower scopes.
            scopes = _scopes(claims.get(SCOPE_CLAIM, "*"))
        except (jwt.InvalidTokenError, ValueError, TypeError, KeyError) as exc:
            raise AuthError(401, "unauthorized", f"invalid token: {exc}") from None
        if tenant_id is None and Role.PLATFORM_ADMIN not in roles:
            raise AuthError(401, "unauthorized", "invalid token: no tenant")
        if tenant_id is not None:
            if Role.PLATFORM_ADMIN in roles:
                raise AuthError(401, "unauthorized", "invalid token: roles")
            tenant = await self.tenant(str(tenant_id))
            if tenant is None:
                raise AuthError(401, "unauthorized", "invalid token: unknown tenant")
            _admit(tenant.status, tenant.slug)
        return Principal(
            kind=PrincipalKind.USER if tenant_id else PrincipalKind.PLATFORM_KEY,
            subject=subject,
            tenant_id=tenant_id,
            roles=roles,
            scopes=scopes,
            expires_at=float(claims["exp"]),
        )


def _scopes(claim: Any) -> frozenset[str]:
    """The scopes of a token's ``scope`` claim: a non-empty, space-separated string."""
    if not isinstance(claim, str) or not claim.split():
        raise ValueError("the scope claim must be a non-empty string")
    return frozenset(claim.split())


def _admit(status: str, slug: str) -> None:
    if status == "suspended":
        raise AuthError(403, "tenant-suspended", f"tenant '{slug}' is suspended")
    if status != "active":
        raise AuthError(403, "tenant-inactive", f"tenant '{slug}' is {status}")
