"""Using an MFA ticket: open it in its tenant, check a second factor, count what fails.

The MFA routes (``/api/v1/auth/mfa/…``) and the OpenID provider's sign-in page share
these, so a second factor is checked, throttled and counted the same way wherever a user
presents it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, TypeVar

from litestar.exceptions import ClientException, NotAuthorizedException, TooManyRequestsException

from nexus.identity._mfa import use_recovery_code, verify_totp
from nexus.identity._mfa_tickets import Ticket, count_failure, open_ticket, spend, ticket_tenant
from nexus.identity._passkeys import RelyingParty, verify_passkey

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from uuid import UUID

    from asyncpg import Connection

    from nexus.identity._authenticate import Authenticator

__all__ = ("FactorMethod", "check_factor", "complete_second_factor", "with_ticket")

_T = TypeVar("_T")
FactorMethod = Literal["totp", "recovery_code", "webauthn"]


def _gone() -> ClientException:
    return ClientException("the MFA ticket is invalid, used or expired", status_code=422)


async def with_ticket(
    auth: Authenticator,
    *,
    address: str,
    ticket: str,
    purposes: set[str],
    act: Callable[[Connection, Ticket, Any], Awaitable[_T | None]],
) -> _T:
    """Run ``act`` in the ticket's tenant with the open ticket and its user's row.

    ``act`` answers ``None`` for a wrong second factor: the failure is counted on the ticket
    (committed) and against the client's ``address``.

    Raises:
        TooManyRequestsException: 429, the address presented too many wrong ones.
        ClientException: 422, the ticket is invalid, used, expired or its user disabled.
        NotAuthorizedException: 401, ``act`` answered ``None``.
    """
    throttle = auth.throttle
    if throttle is not None and (wait := await throttle.flooding(address)) is not None:
        raise TooManyRequestsException(
            f"too many invalid attempts; retry in {wait} s", headers={"Retry-After": str(wait)}
        )
    tenant_id = ticket_tenant(ticket)
    tenant = await auth.tenant(str(tenant_id)) if tenant_id else None
    opened = result = None
    if tenant is not None and tenant.status == "active":
        async with auth.database.transaction(tenant_id=tenant.id) as conn:
            opened = await open_ticket(conn, ticket, purposes)
            user = None
            if opened is not None:
                user = await conn.fetchrow(
                    "select id, email, name, roles from nexus_user where id = $1 and not disabled",
                    opened.user_id,
                )
            if opened is not None and user is not None:
                result = await act(conn, opened, user)
                if result is None:
                    await count_failure(conn, opened)
            else:
                opened = None
    if opened is None:
        if throttle is not None:
            await throttle.invalid(address)
        raise _gone()
    if result is None:
        if throttle is not None:
            await throttle.invalid(address)
        raise NotAuthorizedException(
            "the second factor is wrong", headers={"WWW-Authenticate": "Bearer"}
        )
    return result


async def check_factor(
    conn: Connection,
    rp: RelyingParty,
    ticket: Ticket,
    *,
    method: FactorMethod,
    code: str | None,
    credential: dict[str, Any] | None,
) -> bool:
    """Whether the second factor presented under ``ticket`` is right (a code is spent).

    A passkey's assertion is checked against the challenge the ticket keeps (from
    ``POST /api/v1/auth/mfa/webauthn/options``).
    """
    if method == "totp":
        return await verify_totp(conn, ticket.user_id, code or "")
    if method == "recovery_code":
        return await use_recovery_code(conn, ticket.user_id, code or "")
    return ticket.challenge is not None and await verify_passkey(
        conn, rp, user_id=ticket.user_id, credential=credential or {}, challenge=ticket.challenge
    )


async def complete_second_factor(
    auth: Authenticator,
    *,
    tenant_id: UUID,
    ticket: str,
    method: FactorMethod,
    code: str | None,
    credential: dict[str, Any] | None,
    rp: RelyingParty,
    address: str,
) -> UUID:
    """Complete a password sign-in's second factor without opening a Nexus session.

    For sign-in pages other than the API's (the OpenID provider's): the ticket of
    :class:`~nexus.identity.MfaRequired` and the factor; the ticket is spent when it is
    right. Returns the signed-in user's id.

    Raises:
        ClientException: 422, the ticket is not a live *verify* ticket of ``tenant_id``.
        NotAuthorizedException: 401, the factor is wrong (the ticket dies after 5).
        TooManyRequestsException: 429, the address presented too many wrong ones.
    """
    if ticket_tenant(ticket) != tenant_id:
        raise _gone()

    async def act(conn: Connection, opened: Ticket, user: Any) -> UUID | None:
        if not await check_factor(
            conn, rp, opened, method=method, code=code, credential=credential
        ):
            return None
        await spend(conn, opened)
        return opened.user_id

    return await with_ticket(auth, address=address, ticket=ticket, purposes={"verify"}, act=act)
