"""Turning a bearer token into a principal, with a short per-process memory."""

from __future__ import annotations

import asyncio
import time
from contextvars import Context
from functools import partial
from typing import TYPE_CHECKING, Any, Generic, TypeVar
from uuid import UUID

import jwt
import structlog

from nexus.identity._jwt import CREDENTIAL_CLAIM, SCOPE_CLAIM, SESSION_CLAIM, TENANT_CLAIM
from nexus.identity._principal import Principal, PrincipalKind, Role
from nexus.identity._roles import grants_sql
from nexus.identity._secrets import hash_secret, parse_key

if TYPE_CHECKING:
    from collections.abc import Callable, Coroutine

    from nexus.db import PostgresDatabase
    from nexus.identity._jwt import JwtKeys
    from nexus.identity._throttle import Throttle

__all__ = ("AuthError", "Authenticator", "TenantRecord")

_CACHE_LIMIT = 50_000
_T = TypeVar("_T")


log = structlog.get_logger("nexus.identity")


class AuthError(Exception):
    """Authentication or tenant admission failed; carries the problem to answer with."""

    def __init__(
        self, status: int, slug: str, detail: str | None, *, retry_after: int | None = None
    ) -> None:
        super().__init__(detail or slug)
        self.status = status
        self.slug = slug
        self.detail = detail
        self.retry_after = retry_after


class TenantRecord:
    """The few tenant fields authentication needs."""

    __slots__ = ("id", "plan", "slug", "status")

    def __init__(
        self,
        id: UUID,  # noqa: A002 - column name
        slug: str,
        status: str,
        plan: str = "standard",
    ) -> None:
        self.id = id
        self.slug = slug
        self.status = status
        self.plan = plan


# An API key as it is now: its tenant, the user it belongs to, if any, and what the
# tenant's own roles among its roles (and its user's) grant. The key's secret is checked by
# a security-definer function: the API role cannot read the hashes.
_KEY_GRANTS = grants_sql.format(
    tenant="k.tenant_id",
    roles="array(select unnest(k.roles) intersect select unnest(coalesce(u.roles, k.roles)))",
)
_KEY_STATE = f"""
select k.roles, k.scopes, k.expires_at, k.revoked_at, k.user_id,
       u.id is not null and not u.disabled as user_enabled, u.roles as user_roles,
       {_KEY_GRANTS} as grants, t.slug, t.status
  from nexus_api_key k join nexus_tenant t on t.id = k.tenant_id
  left join nexus_user u on u.tenant_id = k.tenant_id and u.id = k.user_id
 where k.tenant_id = $1 and k.id = $2
"""
_KEY_QUERY = _KEY_STATE + " and nexus_api_key_matches($1, $2, $3)"
_TOUCH_KEY = """
update nexus_api_key set last_used_at = now()
 where tenant_id = $1 and id = $2
   and (last_used_at is null or last_used_at < now() - interval '1 minute')
"""
_USER_GRANTS = grants_sql.format(tenant="u.tenant_id", roles="u.roles")
# A user's token names its sign-in session (``sid``): revoked or ended, it stops the token.
_USER_STATE = f"""
select u.roles, {_USER_GRANTS} as grants, u.disabled, t.slug, t.status,
       $3::uuid is null or exists (
         select 1 from nexus_session s where s.tenant_id = u.tenant_id and s.id = $3
            and s.user_id = u.id and s.revoked_at is null and s.expires_at > now()
       ) as session_live
  from nexus_user u join nexus_tenant t on t.id = u.tenant_id
 where u.tenant_id = $1 and u.id = $2
"""
_PLATFORM_QUERY = "select expires_at, revoked_at from nexus_platform_key_verify($1, $2)"
_PLATFORM_STATE = "select expires_at, revoked_at from nexus_platform_key_state($1)"


class _Flights(Generic[_T]):
    """Concurrent lookups of the same key share one: the first starts it, the rest await it.

    Without this, every request in flight when a remembered credential expires would look
    it up in the database at once (latency spikes under load). The lookup runs as its own
    task in an empty context, so a caller's cancellation (a client gone) does not cancel it
    for the others and it never joins a caller's transaction.
    """

    def __init__(self) -> None:
        self._running: dict[str, asyncio.Task[_T]] = {}

    async def run(self, key: str, lookup: Callable[[], Coroutine[Any, Any, _T]]) -> _T:
        """Return what ``lookup()`` returns (or raise what it raises), once per key at a time."""
        task = self._running.get(key)
        if task is None:
            task = asyncio.get_running_loop().create_task(lookup(), context=Context())
            self._running[key] = task
            task.add_done_callback(partial(self._landed, key))
        return await asyncio.shield(task)

    def clear(self) -> None:
        """Let the next call start a new lookup even if one is still running."""
        self._running.clear()

    def _landed(self, key: str, task: asyncio.Task[_T]) -> None:
        if self._running.get(key) is task:
            del self._running[key]


class Authenticator:
    """Verifies API keys, platform keys and JWTs.

    Verified credentials are remembered for ``ttl_s`` seconds so the request path costs a
    dictionary lookup; revoking a key or suspending a tenant forgets them in this process at
    once and in the others within ``ttl_s``. When a remembered credential expires, the
    requests that need it meanwhile share one lookup.
    """

    def __init__(
        self, database: PostgresDatabase, *, ttl_s: float, throttle: Throttle | None = None
    ) -> None:
        self.database = database
        self.ttl_s = ttl_s
        self.throttle = throttle
        self.jwt: JwtKeys | None = None
        self._principals: dict[str, tuple[float, Principal]] = {}
        self._tenants: dict[str, tuple[float, TenantRecord]] = {}
        self._principal_flights: _Flights[Principal] = _Flights()
        self._tenant_flights: _Flights[TenantRecord | None] = _Flights()
        # Bumped by forget(): a lookup that started before must not be remembered after.
        self._generation = 0

    def forget(self) -> None:
        """Drop every remembered credential and tenant (after a revocation or suspension)."""
        self._generation += 1
        self._principals.clear()
        self._tenants.clear()
        self._principal_flights.clear()
        self._tenant_flights.clear()

    async def authenticate(self, token: str, *, address: str | None = None) -> Principal:
        """Return the principal of ``token``, presented from the client ``address``.

        An address that presented too many invalid credentials gets no new ones checked
        until its window ends (see :class:`~nexus.identity._throttle.Throttle`); credentials
        already remembered keep working.

        Raises:
            AuthError: 401 for a missing, malformed, unknown, revoked or expired credential;
                403 when its tenant is suspended or gone; 429 for a flooding address.
        """
        remembered = self.remembered(token)
        if remembered is not None:
            return remembered
        throttle = self.throttle if address is not None else None
        if throttle is not None and address is not None:
            retry_after = await throttle.flooding(address)
            if retry_after is not None:
                raise AuthError(
                    429,
                    "rate-limited",
                    f"too many invalid credentials; retry in {retry_after} s",
                    retry_after=retry_after,
                )
        try:
            return await self._principal_flights.run(
                token, partial(self._remember_principal, token)
            )
        except AuthError as exc:
            if throttle is not None and address is not None and exc.status == 401:
                await throttle.invalid(address)
            raise

    def remembered(self, token: str) -> Principal | None:
        """Return the principal of ``token`` if it is remembered and valid, else ``None``.

        :meth:`authenticate` without the coroutine, for the request path's usual case.
        """
        remembered = self._principals.get(token)
        if remembered is not None and remembered[0] > time.monotonic():
            principal = remembered[1]
            if principal.expires_at is None or principal.expires_at > time.time():
                return principal
        return None

    async def _remember_principal(self, token: str) -> Principal:
        now, generation = time.monotonic(), self._generation
        principal = await self._verify(token)
        if generation == self._generation:
            if len(self._principals) >= _CACHE_LIMIT:
                self._principals.clear()
            self._principals[token] = (now + self.ttl_s, principal)
        return principal

    async def tenant(self, ref: str) -> TenantRecord | None:
        """Find a tenant by id or slug (remembered like credentials)."""
        remembered = self._tenants.get(ref)
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        return await self._tenant_flights.run(ref, partial(self._remember_tenant, ref))

    def remembered_tenant(self, ref: str) -> TenantRecord | None:
        """The tenant :meth:`tenant` remembers for ``ref``, without a lookup (else ``None``)."""
        remembered = self._tenants.get(ref)
        if remembered is not None and remembered[0] > time.monotonic():
            return remembered[1]
        return None

    async def _remember_tenant(self, ref: str) -> TenantRecord | None:
        now, generation = time.monotonic(), self._generation
        try:
            condition, value = "id = $1", UUID(ref)
        except ValueError:
            condition, value = "slug = $1", ref  # type: ignore[assignment]
        async with self.database.pool.acquire() as conn:
            row = await conn.fetchrow(
                f"select id, slug, status, plan from nexus_tenant where {condition}", value
            )
        if row is None:
            return None
        record = TenantRecord(row["id"], row["slug"], row["status"], row["plan"])
        if generation == self._generation:
            if len(self._tenants) >= _CACHE_LIMIT:
                self._tenants.clear()
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
        roles, expires_at = _key_standing(row)
        return Principal(
            kind=PrincipalKind.API_KEY,
            subject=key_id,
            tenant_id=tenant_id,
            roles=roles,
            scopes=frozenset(row["scopes"]),
            grants=frozenset(row["grants"]),
            expires_at=expires_at,
        )

    async def _platform_key(self, key_id: UUID, secret: str) -> Principal:
        async with self.database.transaction() as conn:
            row = await conn.fetchrow(_PLATFORM_QUERY, key_id, hash_secret(secret))
        expires_at = _platform_standing(row)
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
            kind = PrincipalKind(claims[CREDENTIAL_CLAIM])
            session = UUID(claims[SESSION_CLAIM]) if claims.get(SESSION_CLAIM) else None
        except (jwt.InvalidTokenError, ValueError, TypeError, KeyError) as exc:
            # The library's words stay in the log: the client learns only that it failed.
            log.info("token refused", reason=f"{type(exc).__name__}: {exc}")
            raise AuthError(401, "unauthorized", "invalid token") from None
        if tenant_id is None and Role.PLATFORM_ADMIN not in roles:
            raise AuthError(401, "unauthorized", "invalid token: no tenant")
        if tenant_id is not None and Role.PLATFORM_ADMIN in roles:
            raise AuthError(401, "unauthorized", "invalid token: roles")
        # The token is as good as its credential now: revoked, expired, disabled, suspended
        # or with other roles, the credential no longer vouches for it.
        if (kind is PrincipalKind.PLATFORM_KEY) != (tenant_id is None):
            raise AuthError(401, "unauthorized", "invalid token: credential")
        current, grants = await self._standing(kind, subject, tenant_id, session)
        if current != roles:
            raise AuthError(401, "unauthorized", "the credential's roles changed: sign in again")
        return Principal(
            kind=kind,
            subject=subject,
            tenant_id=tenant_id,
            roles=roles,
            scopes=scopes,
            grants=grants,
            expires_at=float(claims["exp"]),
            session_id=session,
        )

    async def user_principal(
        self, tenant_id: UUID, user_id: UUID, *, expires_at: float | None = None
    ) -> Principal:
        """The principal of user ``user_id`` as it stands now, for a credential it issued.

        For tokens other parts of the kernel vouch for (the OpenID provider's access tokens
        at ``/mcp``): the user's current roles and grants, refused as a token would be.

        Raises:
            AuthError: 401 when the user is disabled or gone, or the tenant may not act.
        """
        roles, grants = await self._standing(PrincipalKind.USER, user_id, tenant_id)
        return Principal(
            kind=PrincipalKind.USER,
            subject=user_id,
            tenant_id=tenant_id,
            roles=roles,
            grants=grants,
            expires_at=expires_at,
        )

    async def _standing(
        self,
        kind: PrincipalKind,
        subject: UUID,
        tenant_id: UUID | None,
        session: UUID | None = None,
    ) -> tuple[frozenset[str], frozenset[str]]:
        """The roles the credential ``subject`` holds now, and what they grant.

        The grants are the permissions of the tenant's own roles among them. A credential
        that may no longer be used is refused.
        """
        if tenant_id is None:
            async with self.database.transaction() as conn:
                row = await conn.fetchrow(_PLATFORM_STATE, subject)
            _platform_standing(row)
            return frozenset({Role.PLATFORM_ADMIN}), frozenset()
        async with self.database.transaction(tenant_id=tenant_id) as conn:
            if kind is PrincipalKind.API_KEY:
                row = await conn.fetchrow(_KEY_STATE, tenant_id, subject)
                return _key_standing(row)[0], frozenset(row["grants"])
            row = await conn.fetchrow(_USER_STATE, tenant_id, subject, session)
        if row is None or row["disabled"]:
            raise AuthError(401, "unauthorized", "the user is disabled or gone")
        if not row["session_live"]:
            raise AuthError(401, "unauthorized", "the session was revoked or has ended")
        _admit(row["status"], row["slug"])
        return frozenset(row["roles"]), frozenset(row["grants"])


def _key_standing(row: Any) -> tuple[frozenset[str], float | None]:
    """The roles and expiry of an API key's row; refuse a key that may not be used now.

    A key that belongs to a user works only while the user is enabled, and never with a
    role the user no longer holds.
    """
    if row is None or row["revoked_at"] is not None:
        raise AuthError(401, "unauthorized", "invalid or revoked API key")
    expires_at = row["expires_at"].timestamp() if row["expires_at"] else None
    if expires_at is not None and expires_at <= time.time():
        raise AuthError(401, "unauthorized", "the API key has expired")
    roles = frozenset(row["roles"])
    if row["user_id"] is not None:
        if not row["user_enabled"]:
            raise AuthError(401, "unauthorized", "the API key's user is disabled or gone")
        roles &= frozenset(row["user_roles"])
    _admit(row["status"], row["slug"])
    return roles, expires_at


def _platform_standing(row: Any) -> float | None:
    """The expiry of a platform key's row; refuse a key that may not be used now."""
    if row is None or row["revoked_at"] is not None:
        raise AuthError(401, "unauthorized", "invalid or revoked platform key")
    expires_at = row["expires_at"].timestamp() if row["expires_at"] else None
    if expires_at is not None and expires_at <= time.time():
        raise AuthError(401, "unauthorized", "the platform key has expired")
    return expires_at


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
