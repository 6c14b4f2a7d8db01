"""Routes that complete a sign-in with a ticket: a second factor, an enrolment, an SSO ticket.

Without credentials, with an MFA ticket from ``POST /api/v1/auth/token``:
``/api/v1/auth/mfa/verify`` (TOTP code, recovery code or passkey assertion),
``/api/v1/auth/mfa/webauthn/options``, and for an enrolment ticket
``/api/v1/auth/mfa/enrol/totp[/confirm]`` and ``/api/v1/auth/mfa/enrol/passkey[/options]``.
An identity provider's sign-in is completed at ``/api/v1/auth/sso/complete``. A user's own
factors and the tenant's policy are in :mod:`._routes_mfa_manage`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Literal, TypeVar

import msgspec
from litestar import Controller, Request, post
from litestar.params import JSONBody
from nexus_hookspecs.http import invalid

from nexus.http import problem_spec
from nexus.identity._gate import client_address
from nexus.identity._mfa import (
    MfaState,
    TotpEnrolment,
    confirm_totp,
    has_second_factor,
    new_recovery_codes,
    start_totp,
)
from nexus.identity._mfa_tickets import (
    MfaChallenge,
    MfaRequired,
    Ticket,
    second_factor_gate,
    set_challenge,
    spend,
)
from nexus.identity._passkeys import (
    Passkey,
    RelyingParty,
    authentication_options,
    register_passkey,
    registration_options,
)
from nexus.identity._sessions import SignedIn, sign_in
from nexus.identity._ticket_use import check_factor, with_ticket
from nexus.services import kernel_of

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from asyncpg import Connection

__all__ = (
    "CodeOnly",
    "MyMfa",
    "PasskeyAdded",
    "RecoveryCodes",
    "TicketPasskey",
    "WebAuthnOptions",
    "mfa_routes",
    "rp_of",
)

_T = TypeVar("_T")
_PUBLIC = {"nexus_access": "public"}
_Ticket = Annotated[str, msgspec.Meta(min_length=1, max_length=300)]
_Code = Annotated[str, msgspec.Meta(min_length=6, max_length=40)]
_Name = Annotated[str, msgspec.Meta(min_length=1, max_length=100)]
_REFUSED = {401: problem_spec(401), 422: problem_spec(422), 429: problem_spec(429)}


class TicketOnly(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An MFA ticket from ``POST /api/v1/auth/token``."""

    ticket: _Ticket


class VerifyRequest(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """The second factor of a sign-in: a TOTP code, a recovery code or a passkey assertion.

    ``code`` goes with ``totp`` and ``recovery_code``; ``credential`` (the
    ``PublicKeyCredential`` as JSON) with ``webauthn``, after ``/auth/mfa/webauthn/options``.
    """

    ticket: _Ticket
    method: Literal["totp", "recovery_code", "webauthn"]
    code: _Code | None = None
    credential: dict[str, Any] | None = None


class TicketCode(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """An enrolment ticket and the first code of the new authenticator app."""

    ticket: _Ticket
    code: _Code


class TicketPasskey(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A new passkey's attestation (``PublicKeyCredential`` as JSON) under a ticket."""

    ticket: _Ticket
    credential: dict[str, Any]
    name: _Name = "passkey"


class CodeOnly(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """A code from the authenticator app."""

    code: _Code


class WebAuthnOptions(msgspec.Struct, kw_only=True):
    """Options for the browser's WebAuthn call; ``ticket`` goes back with its answer."""

    options: dict[str, Any]
    ticket: str | None = None


class RecoveryCodes(msgspec.Struct, kw_only=True):
    """New recovery codes, shown this once; each works once."""

    recovery_codes: list[str]


class PasskeyAdded(Passkey, kw_only=True):
    """A registered passkey; the user's first second factor comes with recovery codes."""

    recovery_codes: list[str] | None = None


class MyMfa(MfaState, kw_only=True):
    """The caller's second factors, their passkeys, and whether the tenant requires one."""

    passkey_list: list[Passkey]


def rp_of(request: Request[Any, Any, Any]) -> RelyingParty:
    """The passkeys' relying party: ``NEXUS_PUBLIC_URL``, else the request's own origin."""
    settings = kernel_of(request.app).settings
    return RelyingParty.of(settings.public_url or str(request.base_url))


async def _with_ticket(
    request: Request[Any, Any, Any],
    ticket: str,
    purposes: set[str],
    act: Callable[[Connection, Ticket, Any], Awaitable[_T | None]],
) -> _T:
    """:func:`with_ticket` for a request: its kernel's authenticator and client address."""
    return await with_ticket(
        kernel_of(request.app).authenticator,
        address=client_address(request.scope),
        ticket=ticket,
        purposes=purposes,
        act=act,
    )


async def _signed_in(
    request: Request[Any, Any, Any], conn: Connection, ticket: Ticket, user: Any, how: str
) -> SignedIn:
    await spend(conn, ticket)
    return await sign_in(
        kernel_of(request.app).authenticator,
        conn,
        tenant_id=ticket.tenant_id,
        user_id=ticket.user_id,
        roles=list(user["roles"]),
        method=f"{ticket.method}+{how}",
        address=client_address(request.scope),
        user_agent=request.headers.get("user-agent"),
    )


class MfaSignInController(Controller):
    """Completing a sign-in with an MFA ticket: no credentials, the ticket instead."""

    path = "/api/v1/auth/mfa"
    tags = ["identity"]

    @post(
        "/verify",
        summary="Complete a sign-in with a second factor",
        opt=_PUBLIC,
        status_code=200,
        responses=_REFUSED,
    )
    async def verify(
        self, request: Request[Any, Any, Any], data: JSONBody[VerifyRequest]
    ) -> SignedIn:
        """Present the second factor with the ticket; answers the tokens of a new session.

        401 for a wrong factor (the ticket dies after 5); 422 for a ticket that is
        invalid, used or expired.
        """
        if data.method == "webauthn" and data.credential is None:
            invalid("credential", "required with method webauthn")
        if data.method != "webauthn" and data.code is None:
            invalid("code", f"required with method {data.method}")

        async def act(conn: Connection, ticket: Ticket, user: Any) -> SignedIn | None:
            ok = await check_factor(
                conn,
                rp_of(request),
                ticket,
                method=data.method,
                code=data.code,
                credential=data.credential,
            )
            return await _signed_in(request, conn, ticket, user, data.method) if ok else None

        return await _with_ticket(request, data.ticket, {"verify"}, act)

    @post(
        "/webauthn/options",
        summary="Passkey options for a sign-in's second factor",
        opt=_PUBLIC,
        status_code=200,
        responses=_REFUSED,
    )
    async def webauthn_options(
        self, request: Request[Any, Any, Any], data: JSONBody[TicketOnly]
    ) -> WebAuthnOptions:
        """Options for ``navigator.credentials.get()``; the ticket keeps their challenge."""

        async def act(conn: Connection, ticket: Ticket, user: Any) -> WebAuthnOptions:
            options, challenge = await authentication_options(conn, rp_of(request), ticket.user_id)
            await set_challenge(conn, ticket, challenge)
            return WebAuthnOptions(options=options)

        return await _with_ticket(request, data.ticket, {"verify"}, act)

    @post(
        "/enrol/totp",
        summary="Enrol an authenticator app with an enrolment ticket",
        opt=_PUBLIC,
        status_code=200,
        responses=_REFUSED,
    )
    async def enrol_totp(
        self, request: Request[Any, Any, Any], data: JSONBody[TicketOnly]
    ) -> TotpEnrolment:
        """A TOTP secret and its ``otpauth://`` URI; confirm with a code to sign in."""

        async def act(conn: Connection, ticket: Ticket, user: Any) -> TotpEnrolment:
            return await start_totp(
                conn, tenant_id=ticket.tenant_id, user_id=ticket.user_id, label=user["email"]
            )

        return await _with_ticket(request, data.ticket, {"enrol"}, act)

    @post(
        "/enrol/totp/confirm",
        summary="Confirm the authenticator app and sign in",
        opt=_PUBLIC,
        status_code=200,
        responses=_REFUSED,
    )
    async def enrol_totp_confirm(
        self, request: Request[Any, Any, Any], data: JSONBody[TicketCode]
    ) -> SignedIn:
        """Confirm the new app with its code: the sign-in completes, with recovery codes."""

        async def act(conn: Connection, ticket: Ticket, user: Any) -> SignedIn | None:
            codes = await confirm_totp(
                conn, tenant_id=ticket.tenant_id, user_id=ticket.user_id, code=data.code
            )
            if codes is None:
                return None
            signed = await _signed_in(request, conn, ticket, user, "totp")
            signed.recovery_codes = codes or None
            return signed

        return await _with_ticket(request, data.ticket, {"enrol"}, act)

    @post(
        "/enrol/passkey/options",
        summary="Passkey registration options (enrolment ticket)",
        opt=_PUBLIC,
        status_code=200,
        responses=_REFUSED,
    )
    async def enrol_passkey_options(
        self, request: Request[Any, Any, Any], data: JSONBody[TicketOnly]
    ) -> WebAuthnOptions:
        """Options for ``navigator.credentials.create()``; the ticket keeps their challenge."""

        async def act(conn: Connection, ticket: Ticket, user: Any) -> WebAuthnOptions:
            options, challenge = await registration_options(
                conn,
                rp_of(request),
                user_id=ticket.user_id,
                email=user["email"],
                name=user["name"],
            )
            await set_challenge(conn, ticket, challenge)
            return WebAuthnOptions(options=options)

        return await _with_ticket(request, data.ticket, {"enrol"}, act)

    @post(
        "/enrol/passkey",
        summary="Register a passkey and sign in (enrolment ticket)",
        opt=_PUBLIC,
        status_code=200,
        responses=_REFUSED,
    )
    async def enrol_passkey(
        self, request: Request[Any, Any, Any], data: JSONBody[TicketPasskey]
    ) -> SignedIn:
        """Register the passkey: the sign-in completes, with recovery codes."""

        async def act(conn: Connection, ticket: Ticket, user: Any) -> SignedIn | None:
            if ticket.challenge is None:
                return None
            first = not await has_second_factor(conn, ticket.user_id)
            passkey = await register_passkey(
                conn,
                rp_of(request),
                tenant_id=ticket.tenant_id,
                user_id=ticket.user_id,
                name=data.name,
                credential=data.credential,
                challenge=ticket.challenge,
            )
            if passkey is None:
                return None
            signed = await _signed_in(request, conn, ticket, user, "webauthn")
            if first:
                signed.recovery_codes = await new_recovery_codes(
                    conn, tenant_id=ticket.tenant_id, user_id=ticket.user_id
                )
            return signed

        return await _with_ticket(request, data.ticket, {"enrol"}, act)


class SsoController(Controller):
    """Completing a sign-in through the tenant's identity provider."""

    path = "/api/v1/auth/sso"
    tags = ["identity"]

    @post(
        "/complete",
        summary="Exchange an SSO ticket for tokens",
        opt=_PUBLIC,
        status_code=200,
        responses=_REFUSED,
    )
    async def complete(
        self, request: Request[Any, Any, Any], data: JSONBody[TicketOnly]
    ) -> SignedIn | MfaChallenge:
        """The ticket an identity provider's sign-in ended with (``#/sso?ticket=…``), once.

        Answers the tokens of a new session, or an :class:`MfaChallenge` when a second
        factor is due (as a password sign-in does). 422 for an invalid, used or expired ticket.
        """

        async def act(conn: Connection, ticket: Ticket, user: Any) -> tuple[Ticket, Any]:
            await spend(conn, ticket)
            return ticket, user

        ticket, user = await _with_ticket(request, data.ticket, {"sso"}, act)
        auth = kernel_of(request.app).authenticator
        try:
            await second_factor_gate(
                auth,
                tenant_id=ticket.tenant_id,
                user_id=ticket.user_id,
                roles=list(user["roles"]),
                method=ticket.method,
            )
        except MfaRequired as required:
            return required.challenge
        async with auth.database.transaction(tenant_id=ticket.tenant_id) as conn:
            return await sign_in(
                auth,
                conn,
                tenant_id=ticket.tenant_id,
                user_id=ticket.user_id,
                roles=list(user["roles"]),
                method=ticket.method,
                address=client_address(request.scope),
                user_agent=request.headers.get("user-agent"),
            )


mfa_routes = [MfaSignInController, SsoController]
