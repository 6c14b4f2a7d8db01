"""Routes of invitations and password resets (issue #21).

``POST /api/v1/users/{id}/invitation`` (tenant admins) sends a user's invitation again.
Without credentials: ``POST /api/v1/auth/invitations/accept`` and
``POST /api/v1/auth/password-reset/confirm`` set a password with a one-time token;
``POST /api/v1/auth/password-reset`` asks for a reset link by email (always 202).
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, post
from litestar.exceptions import ClientException, NotFoundException, TooManyRequestsException
from litestar.params import FromPath, JSONBody

from nexus.http import KernelDb, problem_spec, required_tenant
from nexus.identity._gate import client_address
from nexus.identity._invitations import InvitationOut, send_link
from nexus.identity._secrets import hash_password
from nexus.identity._store import Email, Password, get_user
from nexus.identity._tokens import Purpose, parse_token, redeem
from nexus.services import kernel_of

if TYPE_CHECKING:
    from asyncpg import Connection

    from nexus.services import Kernel

__all__ = ("InvitationController", "PasswordSet", "TokenController", "TokenOnly", "invite")

_Token = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
_PUBLIC = {"nexus_access": "public"}


class TokenOnly(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A one-time token from an emailed link."""

    token: _Token


class TokenPassword(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A one-time token from an emailed link and the password to set."""

    token: _Token
    password: Password


class PasswordSet(msgspec.Struct, kw_only=True):
    """Whose password was set: sign in with this tenant and email."""

    tenant: str
    email: str


class ResetRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who forgot their password: the tenant (slug or id) and the account's email."""

    tenant: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    email: Email


def _base_url(kernel: Kernel, request: Request[Any, Any, Any]) -> str:
    return kernel.settings.public_url or str(request.base_url).rstrip("/")


async def invite(
    conn: Connection, request: Request[Any, Any, Any], *, tenant_id: UUID, user: Any
) -> InvitationOut:
    """Issue and send (or hand back) an invitation of ``user`` in the request's transaction."""
    kernel = kernel_of(request.app)
    return await send_link(
        conn,
        kernel.services,
        tenant_id=tenant_id,
        user=user,
        purpose="invitation",
        ttl=timedelta(hours=kernel.settings.invitation_ttl_h),
        base_url=_base_url(kernel, request),
    )


class InvitationController(Controller):
    """Sending a user's invitation again (tenant admins)."""

    path = "/api/v1/users"
    tags = ["identity"]
    opt = {"permission": "nexus.users:admin"}

    @post(
        "/{user_id:uuid}/invitation",
        summary="Send a user's invitation again",
        status_code=200,
        opt={"nexus_no_idempotency": True},  # the answer may carry the one-time link
        responses={404: problem_spec(404), 409: problem_spec(409)},
    )
    async def resend(
        self, request: Request[Any, Any, Any], db: KernelDb, user_id: FromPath[UUID]
    ) -> InvitationOut:
        """A new invitation link for a user who has no password yet; earlier links stop working.

        Emailed through Notifications when it is on for the tenant (``delivery:
        "queued"``), else handed back (``delivery: "unavailable"`` with ``url``). 409 once
        the user has a password, or is disabled.
        """
        tenant_id = required_tenant(request)
        async with db.transaction() as conn:
            user = await get_user(conn, user_id)
            if user is None:
                raise NotFoundException()
            has_password = await conn.fetchval(
                "select password_hash is not null from nexus_user_credentials($1)", user.email
            )
            if has_password or user.disabled:
                raise ClientException(
                    "the user has a password already" if has_password else "the user is disabled",
                    status_code=409,
                )
            return await invite(conn, request, tenant_id=tenant_id, user=user)


async def _set_password(
    request: Request[Any, Any, Any], data: TokenPassword, purpose: Purpose
) -> PasswordSet:
    kernel = kernel_of(request.app)
    auth = kernel.authenticator
    address = client_address(request.scope)
    throttle = auth.throttle
    if throttle is not None and (wait := await throttle.flooding(address)) is not None:
        raise TooManyRequestsException(
            f"too many invalid links; retry in {wait} s", headers={"Retry-After": str(wait)}
        )
    parsed = parse_token(data.token)
    tenant = await auth.tenant(str(parsed.tenant_id)) if parsed else None
    hashed = await asyncio.to_thread(hash_password, data.password)
    found = None
    if parsed is not None and tenant is not None and tenant.status == "active":
        async with auth.database.transaction(tenant_id=tenant.id) as conn:
            user_id = await redeem(conn, parsed, purpose)
            if user_id is not None:
                found = await conn.fetchrow(
                    # The link came by email: following it proves the address too.
                    "update nexus_user set password_hash = $2, updated_at = now(), "
                    "email_verified_at = coalesce(email_verified_at, now()) "
                    "where id = $1 and not disabled returning email",
                    user_id,
                    hashed,
                )
                if found is None:  # disabled meanwhile: the token is not spent
                    raise ClientException("this link is invalid, used or expired", status_code=422)
    if found is None or tenant is None:
        if throttle is not None:
            await throttle.invalid(address)
        raise ClientException("this link is invalid, used or expired", status_code=422)
    auth.forget()
    return PasswordSet(tenant=tenant.slug, email=found["email"])


class TokenController(Controller):
    """Accepting invitations and resetting passwords: no credentials, a token instead."""

    path = "/api/v1/auth"
    tags = ["identity"]

    @post(
        "/invitations/accept",
        summary="Accept an invitation: set the first password",
        opt=_PUBLIC,
        status_code=200,
        responses={422: problem_spec(422), 429: problem_spec(429)},
    )
    async def accept(
        self, request: Request[Any, Any, Any], data: JSONBody[TokenPassword]
    ) -> PasswordSet:
        """Set the invited user's password with the token of the invitation link, once.

        Answers the tenant's slug and the email to sign in with. 422 when the token is
        unknown, used, expired or its user disabled (the same answer for each).
        """
        return await _set_password(request, data, "invitation")

    @post(
        "/password-reset",
        summary="Ask for a password-reset link by email",
        opt=_PUBLIC,
        status_code=202,
        responses={429: problem_spec(429)},
    )
    async def ask_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[ResetRequest]
    ) -> None:
        """Email a one-time link to reset the password, when the account exists.

        Always 202, whether or not the account exists (nothing tells it apart). The link
        goes out through Notifications only: when it is off for the tenant nothing is
        sent. Counted per account and per address (``NEXUS_PASSWORD_RESETS_PER_ACCOUNT``,
        ``…_PER_ADDRESS``): beyond, 429 with ``Retry-After``.
        """
        kernel = kernel_of(request.app)
        auth = kernel.authenticator
        tenant = await auth.tenant(data.tenant)
        account = f"{tenant.id if tenant else data.tenant.lower()}:{data.email.lower()}"
        throttle = auth.throttle
        if throttle is not None:
            wait = await throttle.reset_requested(account, client_address(request.scope))
            if wait is not None:
                raise TooManyRequestsException(
                    f"too many password resets; retry in {wait} s",
                    headers={"Retry-After": str(wait)},
                )
        if tenant is None or tenant.status != "active":
            return
        async with auth.database.transaction(tenant_id=tenant.id) as conn:
            user = await conn.fetchrow(
                "select id, email, name from nexus_user where lower(email) = lower($1) "
                "and not disabled",
                data.email,
            )
            if user is None:
                return
            await send_link(
                conn,
                kernel.services,
                tenant_id=tenant.id,
                user=_Row(user),
                purpose="password_reset",
                ttl=timedelta(minutes=kernel.settings.password_reset_ttl_m),
                base_url=_base_url(kernel, request),
            )

    @post(
        "/password-reset/confirm",
        summary="Set a new password with a reset link's token",
        opt=_PUBLIC,
        status_code=200,
        responses={422: problem_spec(422), 429: problem_spec(429)},
    )
    async def confirm_reset(
        self, request: Request[Any, Any, Any], data: JSONBody[TokenPassword]
    ) -> PasswordSet:
        """Set the password with the token of the reset link, once, before it expires.

        422 when the token is unknown, used, expired or its user disabled.
        """
        return await _set_password(request, data, "password_reset")


class _Row:
    """A user row read as attributes (``id``, ``email``, ``name``)."""

    def __init__(self, row: Any) -> None:
        self.id, self.email, self.name = row["id"], row["email"], row["name"]
