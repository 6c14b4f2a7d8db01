"""Identity routes: sign-in, ``/me``, users and API keys of a tenant."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID

import msgspec
from asyncpg import UniqueViolationError
from litestar import Controller, Request, delete, get, patch, post
from litestar.exceptions import (
    ClientException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    TooManyRequestsException,
)
from litestar.params import FromPath, JSONBody
from nexus_hookspecs.http import Cursor, Limit, Page, after_id, invalid, page_of

from nexus.http import KernelDb, problem_spec, request_tenant, required_tenant
from nexus.identity._authenticate import AuthError
from nexus.identity._email_verification import EmailVerificationController
from nexus.identity._gate import client_address
from nexus.identity._invitations import (
    InvitationOut,  # noqa: TC001 - msgspec reads the field types at run time
)
from nexus.identity._mfa_tickets import MfaChallenge, MfaRequired, second_factor_gate
from nexus.identity._principal import Principal, PrincipalKind, Role, request_principal
from nexus.identity._roles import RoleController
from nexus.identity._routes_mfa import mfa_routes
from nexus.identity._routes_mfa_manage import mfa_manage_routes
from nexus.identity._routes_sessions import session_routes
from nexus.identity._routes_tokens import InvitationController, TokenController, invite
from nexus.identity._secrets import parse_key, verify_password
from nexus.identity._sessions import sign_in
from nexus.identity._sso_only import refuse_sso_only
from nexus.identity._store import (
    ApiKey,
    ApiKeyCreate,
    ApiKeyCreated,
    User,
    UserCreate,
    UserUpdate,
    create_api_key,
    create_user,
    get_user,
    list_api_keys,
    list_users,
    revoke_api_key,
    update_user,
    user_for_login,
)
from nexus.services import kernel_of

if TYPE_CHECKING:
    from nexus.identity._authenticate import Authenticator


__all__ = (
    "ApiKeyController",
    "AuthController",
    "UserController",
    "identity_routes",
    "password_sign_in",
)

USERS_PERMISSION = "nexus.users:admin"
KEYS_PERMISSION = "nexus.api_keys:admin"


class TokenRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Sign in with a tenant user's email and password, or exchange an API key.

    ``grant_type=password`` needs ``tenant`` (slug or id), ``email`` and ``password``;
    ``grant_type=api_key`` needs ``api_key``.
    """

    grant_type: Literal["password", "api_key"]
    tenant: str | None = None
    email: str | None = None
    password: str | None = None
    api_key: str | None = None


class TokenResponse(msgspec.Struct, kw_only=True):
    """A bearer token (a JWT) and its lifetime in seconds; a user's names its session."""

    access_token: str
    token_type: str
    expires_in: int
    session_id: UUID | None = None


class Me(msgspec.Struct, kw_only=True):
    """The caller: how it signed in, its tenant, roles and scopes."""

    kind: str
    subject: UUID
    tenant_id: UUID | None
    roles: list[str]
    scopes: list[str]


def _refused(detail: str) -> NotAuthorizedException:
    # Every 401 names the scheme to authenticate with (RFC 9110, section 15.5.2).
    return NotAuthorizedException(detail, headers={"WWW-Authenticate": "Bearer"})


def _authenticator(request: Request[Any, Any, Any]) -> Authenticator:
    return kernel_of(request.app).authenticator


class AuthController(Controller):
    """Sign-in and the caller's identity."""

    path = "/api/v1"
    tags = ["identity"]

    @post(
        "/auth/token",
        summary="Get a bearer token",
        opt={"nexus_access": "public"},
        status_code=200,
        responses={401: problem_spec(401), 429: problem_spec(429)},
    )
    async def token(
        self, request: Request[Any, Any, Any], data: JSONBody[TokenRequest]
    ) -> TokenResponse | MfaChallenge:
        """Exchange credentials for a short-lived JWT (``Authorization: Bearer <token>``).

        A user's sign-in starts a session (``session_id``; see ``/api/v1/auth/sessions``).
        When the user has a second factor, or the tenant requires one of them, the answer
        is an :class:`MfaChallenge` instead: a ticket to complete the sign-in with at
        ``/api/v1/auth/mfa/…`` (docs/security.md).
        """
        auth = _authenticator(request)
        if auth.jwt is None:
            raise _refused("token authentication is not ready")
        address = client_address(request.scope)
        if data.grant_type == "api_key":
            principal = await _key_principal(auth, data.api_key, address)
        else:
            try:
                principal = await _password_principal(auth, data, address)
            except MfaRequired as required:
                return required.challenge
            assert principal.tenant_id is not None  # a user belongs to a tenant
            async with auth.database.transaction(tenant_id=principal.tenant_id) as conn:
                signed = await sign_in(
                    auth,
                    conn,
                    tenant_id=principal.tenant_id,
                    user_id=principal.subject,
                    roles=principal.roles,
                    method="password",
                    address=address,
                    user_agent=request.headers.get("user-agent"),
                )
            return TokenResponse(
                access_token=signed.access_token,
                token_type=signed.token_type,
                expires_in=signed.expires_in,
                session_id=signed.session_id,
            )
        # The token names its credential, is checked against it again on use, and never
        # outlives it.
        token, expires_in = auth.jwt.issue(
            subject=principal.subject,
            tenant_id=principal.tenant_id,
            roles=sorted(principal.roles),
            credential=principal.kind.value,
            scopes=principal.scopes,
            not_after=principal.expires_at,
        )
        return TokenResponse(access_token=token, token_type="Bearer", expires_in=expires_in)

    @get("/me", summary="Who am I", opt={"nexus_access": "authenticated"})
    async def me(self, request: Request[Any, Any, Any]) -> Me:
        """The authenticated caller."""
        principal = request_principal(request)
        return Me(
            kind=principal.kind.value,
            subject=principal.subject,
            tenant_id=request_tenant(request),
            roles=sorted(principal.roles),
            scopes=sorted(principal.scopes),
        )


def _too_many(seconds: int, detail: str) -> TooManyRequestsException:
    return TooManyRequestsException(
        f"{detail}; retry in {seconds} s", headers={"Retry-After": str(seconds)}
    )


async def _key_principal(auth: Authenticator, api_key: str | None, address: str) -> Principal:
    if not api_key:
        raise ClientException("api_key is required for grant_type=api_key", status_code=422)
    if parse_key(api_key) is None:  # a token is not exchanged for another
        raise _refused("invalid API key")
    try:
        return await auth.authenticate(api_key, address=address)
    except AuthError as exc:
        if exc.status == 429 and exc.retry_after is not None:
            raise _too_many(exc.retry_after, "too many invalid credentials") from None
        if exc.status == 403:
            raise PermissionDeniedException(str(exc)) from None
        raise _refused(str(exc)) from None


async def password_sign_in(
    auth: Authenticator, *, tenant: str, email: str, password: str, address: str
) -> Principal:
    """The kernel's password sign-in, for other sign-in pages (the OpenID provider's).

    The same checks as ``POST /api/v1/auth/token`` with ``grant_type=password``:
    throttled per account and address, one argon2 verification whether or not the user
    exists, the second-factor gate and SSO-only domains.

    Raises:
        MfaRequired: 401, the password was right and a second factor is due.
        litestar.exceptions.NotAuthorizedException: 401, invalid credentials.
        litestar.exceptions.TooManyRequestsException: 429, too many failed sign-ins.
        litestar.exceptions.ClientException: 422, a field missing.
    """
    request = TokenRequest(grant_type="password", tenant=tenant, email=email, password=password)
    return await _password_principal(auth, request, address)


async def _password_principal(auth: Authenticator, data: TokenRequest, address: str) -> Principal:
    if not (data.tenant and data.email and data.password):
        raise ClientException(
            "tenant, email and password are required for grant_type=password", status_code=422
        )
    tenant = await auth.tenant(data.tenant)
    # One account whether its tenant is named by slug or by id.
    account = f"{tenant.id if tenant else data.tenant.lower()}:{data.email.lower()}"
    throttle = auth.throttle
    if throttle is not None:
        locked = await throttle.locked_out(account, address)
        if locked is not None:
            raise _too_many(locked, "too many failed sign-ins")
    row = None
    if tenant is not None and tenant.status == "active":
        async with auth.database.transaction(tenant_id=tenant.id) as conn:
            row = await user_for_login(conn, data.email)
    # Always one argon2 verification (of a dummy hash without a usable user), off the
    # event loop: a refusal takes as long whether or not the user exists.
    stored = row["password_hash"] if row is not None and not row["disabled"] else None
    if not await asyncio.to_thread(verify_password, data.password, stored):
        if throttle is not None:
            await throttle.failed(account, address)
        raise _refused("invalid credentials")
    if throttle is not None:
        await throttle.succeeded(account)
    assert tenant is not None and row is not None  # a password matched: both exist
    await refuse_sso_only(auth, tenant_id=tenant.id, email=data.email)
    # Every password sign-in passes the second-factor gate: MfaRequired (a 401 to a
    # caller that does not answer it with the ticket) when a second factor is due.
    await second_factor_gate(
        auth, tenant_id=tenant.id, user_id=row["id"], roles=row["roles"], method="password"
    )
    return Principal(
        kind=PrincipalKind.USER,
        subject=row["id"],
        tenant_id=tenant.id,
        roles=frozenset(row["roles"]),
    )


class CreatedUser(User, kw_only=True):
    """A new user, and their invitation when they were created without a password."""

    invitation: InvitationOut | None = None


def _page(items: list[Any], limit: int) -> Page[Any]:
    return page_of(items, limit)


class UserController(Controller):
    """Users of the caller's tenant (tenant admins)."""

    path = "/api/v1/users"
    tags = ["identity"]
    opt = {"permission": USERS_PERMISSION}

    @get("/", summary="List users")
    async def list(
        self,
        db: KernelDb,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[User]:
        """The tenant's users, oldest first."""
        async with db.transaction() as conn:
            return _page(await list_users(conn, after=after_id(cursor), limit=limit + 1), limit)

    # An invitation handed back carries its one-time link: never kept for replays.
    @post("/", summary="Create (invite) a user", opt={"nexus_no_idempotency": True})
    async def create(
        self, request: Request[Any, Any, Any], db: KernelDb, data: JSONBody[UserCreate]
    ) -> CreatedUser:
        """Add a user to the tenant; without a password, invite them.

        An invited user gets a one-time link to choose a password
        (``{NEXUS_PUBLIC_URL}/console/#/accept?token=…``, valid ``NEXUS_INVITATION_TTL_H``
        hours), emailed through Notifications when it is on for the tenant
        (``invitation.delivery: "queued"``); otherwise ``invitation.delivery`` is
        ``"unavailable"`` and ``invitation.url`` is the link to pass on. Beyond the seats of
        the tenant's plan (users not disabled), 403 ``plan-limit``.
        """
        tenant_id = required_tenant(request)
        try:
            async with db.transaction() as conn:
                await kernel_of(request.app).plans.gate.check_seats(conn, tenant_id)
                user = await create_user(conn, tenant_id, data)
                invitation = None
                if data.password is None:
                    invitation = await invite(conn, request, tenant_id=tenant_id, user=user)
                return CreatedUser(**msgspec.structs.asdict(user), invitation=invitation)
        except UniqueViolationError:
            raise ClientException(
                f"a user with email {data.email} exists", status_code=409
            ) from None

    @get("/{user_id:uuid}", summary="Show a user")
    async def show(self, db: KernelDb, user_id: FromPath[UUID]) -> User:
        """One user."""
        async with db.transaction() as conn:
            user = await get_user(conn, user_id)
        if user is None:
            raise NotFoundException()
        return user

    @patch("/{user_id:uuid}", summary="Change a user")
    async def change(
        self,
        request: Request[Any, Any, Any],
        db: KernelDb,
        user_id: FromPath[UUID],
        data: JSONBody[UserUpdate],
    ) -> User:
        """Rename, change roles, disable or enable, or set the password of a user.

        Enabling a disabled user takes a seat of the tenant's plan: 403 ``plan-limit`` when
        they are all taken.
        """
        async with db.transaction() as conn:
            if data.disabled is False and await conn.fetchval(
                "select disabled from nexus_user where id = $1", user_id
            ):
                tenant_id = required_tenant(request)
                await kernel_of(request.app).plans.gate.check_seats(conn, tenant_id)
            user = await update_user(conn, user_id, data)
        if user is None:
            raise NotFoundException()
        # New roles, or a disabled user, reach this process's tokens at once (others
        # within NEXUS_AUTH_CACHE_TTL_S).
        _authenticator(request).forget()
        return user


class ApiKeyController(Controller):
    """API keys of the caller's tenant (tenant admins)."""

    path = "/api/v1/api-keys"
    tags = ["identity"]
    opt = {"permission": KEYS_PERMISSION}

    @get("/", summary="List API keys")
    async def list(
        self,
        db: KernelDb,
        limit: Limit = 50,
        cursor: Cursor = None,
    ) -> Page[ApiKey]:
        """The tenant's keys (never their secrets), oldest first."""
        async with db.transaction() as conn:
            return _page(await list_api_keys(conn, after=after_id(cursor), limit=limit + 1), limit)

    # The response carries the key itself: never store it for Idempotency-Key replays.
    @post("/", summary="Create an API key", opt={"nexus_no_idempotency": True})
    async def create(
        self,
        request: Request[Any, Any, Any],
        db: KernelDb,
        data: JSONBody[ApiKeyCreate],
    ) -> ApiKeyCreated:
        """Create a key; the response holds the key itself, shown this once.

        A key a signed-in user creates is theirs (``user_id``): it is revoked with the user's
        access, when HR terminates the employee linked to them, say.
        """
        _check_expiry(data.expires_at)
        principal = request_principal(request)
        if Role.TENANT_ADMIN in data.roles and not principal.roles & {
            Role.TENANT_ADMIN,
            Role.PLATFORM_ADMIN,
        }:
            raise ClientException("only admins may create admin keys", status_code=403)
        if "*" not in principal.scopes and not set(data.scopes) <= principal.scopes:
            # A scoped key must not mint a key that may do more than itself.
            raise ClientException(
                "a key may not be wider than its creator's scopes", status_code=403
            )
        async with db.transaction() as conn:
            owner = principal.subject if principal.kind is PrincipalKind.USER else None
            return await create_api_key(conn, required_tenant(request), data, user_id=owner)

    @delete("/{key_id:uuid}", summary="Revoke an API key")
    async def revoke(
        self, request: Request[Any, Any, Any], db: KernelDb, key_id: FromPath[UUID]
    ) -> None:
        """Revoke a key: it stops working at once here and within seconds everywhere."""
        async with db.transaction() as conn:
            found = await revoke_api_key(conn, key_id)
        if not found:
            raise NotFoundException()
        _authenticator(request).forget()


def _check_expiry(expires_at: datetime | None) -> None:
    # RFC 3339 carries an offset; a key that is born expired is a mistake (``0`` once made
    # one that expired in 1970).
    if expires_at is None:
        return
    if expires_at.tzinfo is None:
        invalid("expires_at", "an RFC 3339 date-time with an offset (Z or ±hh:mm)")
    if expires_at <= datetime.now(UTC):
        invalid("expires_at", "must be in the future")


identity_routes = [
    AuthController,
    UserController,
    ApiKeyController,
    RoleController,
    InvitationController,
    TokenController,
    *mfa_routes,
    *mfa_manage_routes,
    *session_routes,
    EmailVerificationController,
]
