"""Email verification: an address is unverified until its user follows an emailed link.

New users start unverified (``email_verified: false``); a user created just in time by
single sign-on is sent a verification link at once (through ``notify.send``, as
invitations are: ``{NEXUS_PUBLIC_URL}/console/#/verify-email?token=…``). Following the
link (``POST /api/v1/auth/email/verify``), accepting an invitation or resetting the
password proves the address. A signed-in user asks for a new link with
``POST /api/v1/me/email/verification``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Any

from litestar import Controller, Request, post
from litestar.exceptions import ClientException, TooManyRequestsException
from litestar.params import JSONBody

from nexus.http import KernelDb, problem_spec
from nexus.identity._gate import client_address
from nexus.identity._invitations import InvitationOut, ServicePort, send_link
from nexus.identity._principal import PrincipalKind, request_principal
from nexus.identity._routes_tokens import PasswordSet, TokenOnly
from nexus.identity._tokens import parse_token, redeem
from nexus.services import kernel_of

if TYPE_CHECKING:
    from uuid import UUID

    from asyncpg import Connection

__all__ = ("EmailVerificationController", "send_verification")

VERIFICATION_TTL = timedelta(hours=72)


async def send_verification(
    conn: Connection, calls: ServicePort, *, tenant_id: UUID, user: Any, base_url: str
) -> InvitationOut:
    """Email ``user`` (``id``, ``email``, ``name``) a one-time link proving their address."""
    return await send_link(
        conn,
        calls,
        tenant_id=tenant_id,
        user=user,
        purpose="email_verification",
        ttl=VERIFICATION_TTL,
        base_url=base_url,
    )


class EmailVerificationController(Controller):
    """Proving a user's email address."""

    path = "/api/v1"
    tags = ["identity"]

    @post(
        "/auth/email/verify",
        summary="Verify an email address with the emailed link's token",
        opt={"nexus_access": "public"},
        status_code=200,
        responses={422: problem_spec(422), 429: problem_spec(429)},
    )
    async def verify(
        self, request: Request[Any, Any, Any], data: JSONBody[TokenOnly]
    ) -> PasswordSet:
        """Mark the address verified, once; answers the tenant and the email. 422 otherwise."""
        auth = kernel_of(request.app).authenticator
        address = client_address(request.scope)
        throttle = auth.throttle
        if throttle is not None and (wait := await throttle.flooding(address)) is not None:
            raise TooManyRequestsException(
                f"too many invalid links; retry in {wait} s", headers={"Retry-After": str(wait)}
            )
        parsed = parse_token(data.token)
        tenant = await auth.tenant(str(parsed.tenant_id)) if parsed else None
        email = None
        if parsed is not None and tenant is not None and tenant.status == "active":
            async with auth.database.transaction(tenant_id=tenant.id) as conn:
                user_id = await redeem(conn, parsed, "email_verification")
                if user_id is not None:
                    email = await conn.fetchval(
                        "update nexus_user set email_verified_at = coalesce(email_verified_at, "
                        "now()), updated_at = now() where id = $1 returning email",
                        user_id,
                    )
        if email is None or tenant is None:
            if throttle is not None:
                await throttle.invalid(address)
            raise ClientException("this link is invalid, used or expired", status_code=422)
        return PasswordSet(tenant=tenant.slug, email=email)

    @post(
        "/me/email/verification",
        summary="Send me a new email verification link",
        opt={"nexus_access": "authenticated", "nexus_no_idempotency": True},
        status_code=200,
        responses={409: problem_spec(409)},
    )
    async def resend(self, request: Request[Any, Any, Any], db: KernelDb) -> InvitationOut:
        """A new link to the caller's address (earlier ones stop working).

        409 when the address is verified already, or the caller is an API key.
        """
        principal = request_principal(request)
        if principal.kind is not PrincipalKind.USER or principal.tenant_id is None:
            raise ClientException("only a signed-in user has an email address", status_code=409)
        kernel = kernel_of(request.app)
        async with db.transaction() as conn:
            user = await conn.fetchrow(
                "select id, email, name, email_verified_at from nexus_user where id = $1",
                principal.subject,
            )
            if user is None or user["email_verified_at"] is not None:
                raise ClientException("the address is verified already", status_code=409)
            return await send_verification(
                conn,
                kernel.services,
                tenant_id=principal.tenant_id,
                user=_Row(user),
                base_url=kernel.settings.public_url or str(request.base_url).rstrip("/"),
            )


class _Row:
    def __init__(self, row: Any) -> None:
        self.id, self.email, self.name = row["id"], row["email"], row["name"]
