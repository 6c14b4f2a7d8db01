"""Routes of a user's own second factors (``/api/v1/me/mfa``) and the tenant's MFA policy.

Without credentials, with an MFA ticket from ``POST /api/v1/auth/token``:
``/api/v1/auth/mfa/verify`` (TOTP code, recovery code or passkey assertion),
``/api/v1/auth/mfa/webauthn/options``, and for an enrolment ticket
``/api/v1/auth/mfa/enrol/totp[/confirm]`` and ``/api/v1/auth/mfa/enrol/passkey[/options]``.
A signed-in user manages their factors under ``/api/v1/me/mfa``; tenant admins set the
policy at ``/api/v1/security/mfa-policy`` and clear a user's factors (a lost phone).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

import msgspec
from litestar import Controller, Request, delete, get, post, put
from litestar.exceptions import (
    ClientException,
    NotFoundException,
)
from litestar.params import FromPath, JSONBody
from nexus_hookspecs.http import invalid

from nexus.http import KernelDb, problem_spec, required_tenant
from nexus.identity._events import MFA_REMOVED, mfa_event
from nexus.identity._mfa import (
    MfaPolicy,
    TotpEnrolment,
    confirm_totp,
    has_second_factor,
    mfa_state,
    new_recovery_codes,
    read_policy,
    remove_totp,
    start_totp,
    write_policy,
)
from nexus.identity._mfa_tickets import (
    issue_ticket,
    open_ticket,
    spend,
)
from nexus.identity._passkeys import (
    list_passkeys,
    register_passkey,
    registration_options,
    remove_passkey,
)
from nexus.identity._principal import PrincipalKind, request_principal
from nexus.identity._roles import check_roles
from nexus.identity._routes_mfa import (
    CodeOnly,
    MyMfa,
    PasskeyAdded,
    RecoveryCodes,
    TicketPasskey,
    WebAuthnOptions,
    rp_of,
)

__all__ = ("mfa_manage_routes",)

_ME = {"nexus_access": "authenticated"}


def _me(request: Request[Any, Any, Any]) -> tuple[UUID, UUID]:
    principal = request_principal(request)
    if principal.kind is not PrincipalKind.USER or principal.tenant_id is None:
        # Not a 403: the caller is admitted; an API key simply has no second factors.
        raise ClientException(
            "only a signed-in user has second factors (this is an API key)", status_code=409
        )
    return principal.tenant_id, principal.subject


class MyMfaController(Controller):
    """The signed-in user's own second factors."""

    path = "/api/v1/me/mfa"
    tags = ["identity"]
    opt = _ME

    @get("/", summary="My second factors", responses={409: problem_spec(409)})
    async def show(self, request: Request[Any, Any, Any], db: KernelDb) -> MyMfa:
        """Whether an authenticator app is set up, the passkeys, recovery codes left."""
        _tenant, user_id = _me(request)
        async with db.transaction() as conn:
            state = await mfa_state(conn, user_id, sorted(request_principal(request).roles))
            passkeys = await list_passkeys(conn, user_id)
        return MyMfa(**msgspec.structs.asdict(state), passkey_list=passkeys)

    @post(
        "/totp",
        summary="Start setting up an authenticator app",
        status_code=200,
        opt={"nexus_no_idempotency": True},
        responses={409: problem_spec(409)},
    )
    async def start_totp(self, request: Request[Any, Any, Any], db: KernelDb) -> TotpEnrolment:
        """A new TOTP secret and ``otpauth://`` URI (for a QR code); pending until confirmed.

        409 when an app is confirmed already (remove it first) or ``NEXUS_IDENTITY_KEYS``
        is not set.
        """
        tenant_id, user_id = _me(request)
        async with db.transaction() as conn:
            email = await conn.fetchval("select email from nexus_user where id = $1", user_id)
            return await start_totp(conn, tenant_id=tenant_id, user_id=user_id, label=email)

    @post(
        "/totp/confirm",
        summary="Confirm the authenticator app with a code",
        status_code=200,
        opt={"nexus_no_idempotency": True},
        responses={422: problem_spec(422)},
    )
    async def confirm_totp(
        self, request: Request[Any, Any, Any], db: KernelDb, data: JSONBody[CodeOnly]
    ) -> RecoveryCodes:
        """Confirm the pending app; the first factor of a user comes with recovery codes."""
        tenant_id, user_id = _me(request)
        async with db.transaction() as conn:
            codes = await confirm_totp(conn, tenant_id=tenant_id, user_id=user_id, code=data.code)
        if codes is None:
            invalid("code", "does not match the pending authenticator app")
        return RecoveryCodes(recovery_codes=codes)

    @delete("/totp", summary="Remove the authenticator app")
    async def remove_totp(self, request: Request[Any, Any, Any], db: KernelDb) -> None:
        """Remove the app (a passkey, if any, stays the second factor)."""
        _tenant, user_id = _me(request)
        async with db.transaction() as conn:
            if not await remove_totp(conn, user_id):
                raise NotFoundException()

    @post(
        "/recovery-codes",
        summary="New recovery codes",
        status_code=200,
        opt={"nexus_no_idempotency": True},
        responses={409: problem_spec(409)},
    )
    async def recovery_codes(self, request: Request[Any, Any, Any], db: KernelDb) -> RecoveryCodes:
        """Ten new codes; the earlier ones stop working. 409 without a second factor."""
        tenant_id, user_id = _me(request)
        async with db.transaction() as conn:
            if not await has_second_factor(conn, user_id):
                raise ClientException("set up a second factor first", status_code=409)
            codes = await new_recovery_codes(conn, tenant_id=tenant_id, user_id=user_id)
        return RecoveryCodes(recovery_codes=codes)

    @post(
        "/passkeys/options",
        summary="Passkey registration options",
        status_code=200,
        opt={"nexus_no_idempotency": True},
    )
    async def passkey_options(
        self, request: Request[Any, Any, Any], db: KernelDb
    ) -> WebAuthnOptions:
        """Options for ``navigator.credentials.create()`` and the ticket to send back."""
        tenant_id, user_id = _me(request)
        async with db.transaction() as conn:
            user = await conn.fetchrow("select email, name from nexus_user where id = $1", user_id)
            options, challenge = await registration_options(
                conn, rp_of(request), user_id=user_id, email=user["email"], name=user["name"]
            )
            ticket = await issue_ticket(
                conn,
                tenant_id=tenant_id,
                user_id=user_id,
                purpose="enrol",
                method="session",
                challenge=challenge,
            )
        return WebAuthnOptions(options=options, ticket=ticket)

    @post(
        "/passkeys",
        summary="Register a passkey",
        opt={"nexus_no_idempotency": True},
        responses={422: problem_spec(422)},
    )
    async def add_passkey(
        self, request: Request[Any, Any, Any], db: KernelDb, data: JSONBody[TicketPasskey]
    ) -> PasskeyAdded:
        """Verify the authenticator's attestation against the options' challenge and keep it.

        The user's first second factor comes with ten recovery codes, shown this once.
        """
        tenant_id, user_id = _me(request)
        codes = None
        async with db.transaction() as conn:
            ticket = await open_ticket(conn, data.ticket, {"enrol"})
            passkey = None
            if ticket is not None and ticket.user_id == user_id and ticket.challenge:
                await spend(conn, ticket)
                first = not await has_second_factor(conn, user_id)
                passkey = await register_passkey(
                    conn,
                    rp_of(request),
                    tenant_id=tenant_id,
                    user_id=user_id,
                    name=data.name,
                    credential=data.credential,
                    challenge=ticket.challenge,
                )
                if passkey is not None and first:
                    codes = await new_recovery_codes(conn, tenant_id=tenant_id, user_id=user_id)
        if passkey is None:
            invalid("credential", "the attestation does not verify against the options given")
        return PasskeyAdded(**msgspec.structs.asdict(passkey), recovery_codes=codes)

    @delete("/passkeys/{passkey_id:uuid}", summary="Remove a passkey")
    async def remove_passkey(
        self, request: Request[Any, Any, Any], db: KernelDb, passkey_id: FromPath[UUID]
    ) -> None:
        """Remove one of the caller's passkeys."""
        _tenant, user_id = _me(request)
        async with db.transaction() as conn:
            if not await remove_passkey(conn, user_id, passkey_id):
                raise NotFoundException()


class MfaAdminController(Controller):
    """The tenant's MFA policy, and clearing a user's factors (tenant admins)."""

    path = "/api/v1"
    tags = ["identity"]
    opt = {"permission": "nexus.users:admin"}

    @get("/security/mfa-policy", summary="Show the MFA policy")
    async def policy(self, db: KernelDb) -> MfaPolicy:
        """Who must sign in with a second factor."""
        async with db.transaction() as conn:
            return await read_policy(conn)

    @put("/security/mfa-policy", summary="Set the MFA policy", responses={422: problem_spec(422)})
    async def set_policy(
        self, request: Request[Any, Any, Any], db: KernelDb, data: JSONBody[MfaPolicy]
    ) -> MfaPolicy:
        """Require a second factor of everyone (``require_all``) or of holders of ``roles``.

        A user it covers who has none gets an enrolment ticket at sign-in.
        """
        async with db.transaction() as conn:
            await check_roles(conn, data.roles)
            return await write_policy(conn, required_tenant(request), data)

    @delete("/users/{user_id:uuid}/mfa", summary="Clear a user's second factors")
    async def clear(self, db: KernelDb, user_id: FromPath[UUID]) -> None:
        """Remove the user's authenticator app, passkeys and recovery codes (a lost device)."""
        async with db.transaction() as conn:
            if not await conn.fetchval("select 1 from nexus_user where id = $1", user_id):
                raise NotFoundException()
            had = await has_second_factor(conn, user_id)
            for table in ("nexus_mfa_totp", "nexus_mfa_passkey", "nexus_mfa_recovery_code"):
                await conn.execute(f"delete from {table} where user_id = $1", user_id)
            if had:
                await mfa_event(conn, MFA_REMOVED, user_id=user_id, factor="all", by_admin=True)


mfa_manage_routes = [MyMfaController, MfaAdminController]
