"""Signing in on the provider's page: the kernel's password sign-in, then a second factor.

A password that is right for a user with a second factor earns an MFA ticket (the same
as ``POST /api/v1/auth/token`` gives); the page then asks for a code from the
authenticator app, a recovery code or a passkey, and the identity package checks it
under the ticket (throttled, counted, spent), as ``POST /api/v1/auth/mfa/verify`` does.
The second factor is never skipped: a user the tenant requires to have one and who has
none is sent to set one up in Nexus first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast

import msgspec
from litestar.exceptions import HTTPException

from nexus.idaas import _store
from nexus.idaas._server import EndUser
from nexus.identity import (
    MfaRequired,
    client_address,
    complete_second_factor,
    password_sign_in,
    rp_of,
)

if TYPE_CHECKING:
    from uuid import UUID

    from litestar import Request

    from nexus.idaas._issuer import Issuer
    from nexus.identity import FactorMethod

__all__ = ("SIGN_IN_FIELDS", "SignIn", "password_step", "second_factor_step")

# The page's own fields: taken out of the authorization request it carries along.
SIGN_IN_FIELDS = (
    "email",
    "password",
    "decision",
    "mfa_ticket",
    "mfa_methods",
    "method",
    "code",
    "credential",
)
_WRONG_PASSWORD = "The email or password is not right."


class SignIn(msgspec.Struct, kw_only=True):
    """What a sign-in step led to: the user, or the error (and status) to show.

    ``ticket`` and ``methods`` are set while the second factor is due.
    """

    user: EndUser | None = None
    error: str | None = None
    status: int = 200
    ticket: str | None = None
    methods: list[str] = msgspec.field(default_factory=list)


async def _end_user(issuer: Issuer, user_id: UUID) -> EndUser | None:
    row = await issuer.bridge.transaction(lambda c: _store.user_claims(c, user_id))
    return EndUser(row) if row is not None else None


async def password_step(
    request: Request[Any, Any, Any], issuer: Issuer, form: dict[str, str | None]
) -> SignIn:
    """Sign in with the kernel's password sign-in; a second factor may be due."""
    try:
        principal = await password_sign_in(
            issuer.kernel.authenticator,
            tenant=issuer.slug,
            email=form["email"] or "",
            password=form["password"] or "",
            address=client_address(request.scope),
        )
    except MfaRequired as required:
        challenge = required.challenge
        if challenge.status == "mfa_enrolment_required":
            message = (
                "This organisation requires a second factor of your account: set up an "
                "authenticator app or a passkey in Nexus, then sign in here again."
            )
            return SignIn(error=message, status=403)
        return SignIn(ticket=challenge.mfa_ticket, methods=challenge.methods)
    except HTTPException as exc:
        message = (
            "Too many failed sign-ins; try again later."
            if exc.status_code == 429
            else _WRONG_PASSWORD
        )
        return SignIn(error=message, status=exc.status_code)
    user = await _end_user(issuer, principal.subject)
    return SignIn(user=user) if user else SignIn(error=_WRONG_PASSWORD, status=401)


async def second_factor_step(
    request: Request[Any, Any, Any], issuer: Issuer, form: dict[str, str | None]
) -> SignIn:
    """Check the second factor posted with the password step's ticket.

    A wrong factor shows the step again with the same ticket (it dies after five); a
    ticket that is used, expired or dead sends the user back to the password.
    """
    ticket = form["mfa_ticket"] or ""
    methods = [m for m in (form["mfa_methods"] or "").split(",") if m]
    credential: dict[str, Any] | None = None
    if form["credential"]:
        method: FactorMethod = "webauthn"
        try:
            credential = msgspec.json.decode(form["credential"], type=dict[str, Any])
        except msgspec.DecodeError:
            credential = {}  # a malformed assertion is a wrong factor, counted as one
    else:
        method = cast("FactorMethod", form["method"])
        if method not in ("totp", "recovery_code"):
            method = "totp"
    try:
        user_id = await complete_second_factor(
            issuer.kernel.authenticator,
            tenant_id=issuer.tenant_id,
            ticket=ticket,
            method=method,
            code=(form["code"] or "").strip(),
            credential=credential,
            rp=rp_of(request),
            address=client_address(request.scope),
        )
    except HTTPException as exc:
        if exc.status_code == 401:
            wrong = "That did not work: check the code or try the passkey again."
            return SignIn(error=wrong, status=401, ticket=ticket, methods=methods)
        if exc.status_code == 429:
            return SignIn(error="Too many wrong codes; try again later.", status=429)
        return SignIn(error="The sign-in expired; sign in again.", status=exc.status_code)
    user = await _end_user(issuer, user_id)
    return SignIn(user=user) if user else SignIn(error=_WRONG_PASSWORD, status=401)
