"""MFA tickets: what a first factor earns when a second one is due, and the gate that issues them.

Every sign-in of a user passes :func:`second_factor_gate` once its first factor (a password,
an identity provider's assertion) is verified. A user with a second factor gets a
*verify* ticket instead of tokens; a user without one whom the tenant's policy requires
to have one gets an *enrol* ticket, good only for enrolling a factor. The gate raises
:class:`MfaRequired` (a 401 for a caller that does not handle it), which the sign-in route
answers with the ticket.

An identity provider's sign-in (``nexus.sso``) ends with an *sso* ticket, exchanged at
``POST /api/v1/auth/sso/complete`` for tokens, through the same gate.

A ticket reads ``nxm_<tenant>_<ticket id>_<secret>``; only a SHA-256 of its 256-bit secret
is kept. It lives ``TICKET_TTL`` (5 minutes), is spent by the sign-in it completes, and
dies after ``MAX_ATTEMPTS`` wrong codes.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from uuid import UUID

import msgspec
from litestar.exceptions import NotAuthorizedException

from nexus.db import new_id
from nexus.identity._mfa import has_second_factor, policy_requires, read_policy
from nexus.identity._secrets import hash_secret

if TYPE_CHECKING:
    from asyncpg import Connection

    from nexus.identity._authenticate import Authenticator

__all__ = (
    "MAX_ATTEMPTS",
    "TICKET_PREFIX",
    "TICKET_TTL",
    "MfaChallenge",
    "MfaRequired",
    "Ticket",
    "TicketPurpose",
    "count_failure",
    "issue_ticket",
    "open_ticket",
    "parse_ticket",
    "second_factor_gate",
    "set_challenge",
    "spend",
    "ticket_tenant",
)

TICKET_PREFIX = "nxm"
TICKET_TTL = timedelta(minutes=5)
MAX_ATTEMPTS = 5
TicketPurpose = Literal["verify", "enrol", "sso"]


class MfaChallenge(msgspec.Struct, kw_only=True):
    """The first factor was right; a second is due. Present it with ``mfa_ticket``.

    ``status`` is ``mfa_required`` (verify with one of ``methods`` at
    ``POST /api/v1/auth/mfa/verify``) or ``mfa_enrolment_required`` (the tenant requires a
    second factor of this user, who has none: enrol one of ``methods`` with the ticket at
    ``/api/v1/auth/mfa/enrol/…``, which signs in).
    """

    status: Literal["mfa_required", "mfa_enrolment_required"]
    mfa_ticket: str
    methods: list[str]
    expires_in: int


class MfaRequired(NotAuthorizedException):
    """A sign-in's first factor passed and a second is due: ``challenge`` says how."""

    def __init__(self, challenge: MfaChallenge) -> None:
        super().__init__("a second factor is required", headers={"WWW-Authenticate": "Bearer"})
        self.challenge = challenge


class Ticket(msgspec.Struct, kw_only=True):
    """An open ticket, read inside the transaction that spends or counts it."""

    id: UUID
    tenant_id: UUID
    user_id: UUID
    purpose: TicketPurpose
    method: str
    challenge: bytes | None


async def issue_ticket(
    conn: Connection,
    *,
    tenant_id: UUID,
    user_id: UUID,
    purpose: TicketPurpose,
    method: str,
    challenge: bytes | None = None,
) -> str:
    """A new ticket for the user; ``method`` names the first factor (``password``, ``sso``)."""
    ticket_id, secret = new_id(), secrets.token_urlsafe(32)
    await conn.execute(
        "insert into nexus_mfa_ticket (tenant_id, id, user_id, purpose, method, secret_hash, "
        "challenge, expires_at) values ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant_id,
        ticket_id,
        user_id,
        purpose,
        method,
        hash_secret(secret),
        challenge,
        datetime.now(UTC) + TICKET_TTL,
    )
    return f"{TICKET_PREFIX}_{tenant_id.hex}_{ticket_id.hex}_{secret}"


def parse_ticket(ticket: str) -> tuple[UUID, UUID, str] | None:
    """The tenant, id and secret of a ticket, or ``None`` when it is not one."""
    try:
        prefix, tenant, ticket_id, secret = ticket.strip().split("_", 3)
        if prefix != TICKET_PREFIX or not secret:
            return None
        return UUID(hex=tenant), UUID(hex=ticket_id), secret
    except ValueError:
        return None


async def open_ticket(conn: Connection, ticket: str, purposes: set[str]) -> Ticket | None:
    """The live ticket ``ticket`` names, locked for this transaction, or ``None``.

    ``conn`` must be a transaction of the ticket's tenant (:func:`parse_ticket` names it).
    """
    parsed = parse_ticket(ticket)
    if parsed is None:
        return None
    tenant_id, ticket_id, secret = parsed
    row = await conn.fetchrow(
        "select id, tenant_id, user_id, purpose, method, challenge, attempts, "
        "nexus_mfa_ticket_matches(id, $2) as matches "
        "from nexus_mfa_ticket where id = $1 and used_at is null and expires_at > now() "
        "for update",
        ticket_id,
        hash_secret(secret),
    )
    if (
        row is None
        or not row["matches"]
        or row["tenant_id"] != tenant_id
        or row["purpose"] not in purposes
        or row["attempts"] >= MAX_ATTEMPTS
    ):
        return None
    return Ticket(
        id=row["id"],
        tenant_id=row["tenant_id"],
        user_id=row["user_id"],
        purpose=row["purpose"],
        method=row["method"],
        challenge=bytes(row["challenge"]) if row["challenge"] is not None else None,
    )


async def count_failure(conn: Connection, ticket: Ticket) -> None:
    """Count a wrong second factor against the ticket (it dies at ``MAX_ATTEMPTS``)."""
    await conn.execute(
        "update nexus_mfa_ticket set attempts = attempts + 1 where id = $1", ticket.id
    )


async def spend(conn: Connection, ticket: Ticket) -> None:
    """Use the ticket up: the sign-in it was for is complete."""
    await conn.execute("update nexus_mfa_ticket set used_at = now() where id = $1", ticket.id)


async def set_challenge(conn: Connection, ticket: Ticket, challenge: bytes) -> None:
    """Keep a WebAuthn challenge on the ticket, for the answer to be verified against."""
    await conn.execute(
        "update nexus_mfa_ticket set challenge = $2 where id = $1", ticket.id, challenge
    )


async def second_factor_gate(
    auth: Authenticator,
    *,
    tenant_id: UUID,
    user_id: UUID,
    roles: frozenset[str] | list[str],
    method: str,
) -> None:
    """Let a sign-in whose first factor passed go on, or raise :class:`MfaRequired`.

    Args:
        auth: The authenticator (its database).
        tenant_id: The user's tenant.
        user_id: The user.
        roles: The user's roles (the tenant's policy may require MFA of some).
        method: The first factor: ``password`` or ``sso``.

    Raises:
        MfaRequired: with a *verify* ticket when the user has a second factor, with an
            *enrol* ticket when the tenant requires one of this user and they have none.
    """
    async with auth.database.transaction(tenant_id=tenant_id) as conn:
        passkeys = await conn.fetchval(
            "select count(*) from nexus_mfa_passkey where user_id = $1", user_id
        )
        purpose: TicketPurpose
        if await has_second_factor(conn, user_id):
            purpose = "verify"
            totp = await conn.fetchval(
                "select exists (select 1 from nexus_mfa_totp where user_id = $1 "
                "and confirmed_at is not null)",
                user_id,
            )
            methods = [*(["totp"] if totp else []), *(["webauthn"] if passkeys else [])]
            methods.append("recovery_code")
        elif policy_requires(await read_policy(conn), list(roles)):
            purpose, methods = "enrol", ["totp", "webauthn"]
        else:
            return
        ticket = await issue_ticket(
            conn, tenant_id=tenant_id, user_id=user_id, purpose=purpose, method=method
        )
    raise MfaRequired(
        MfaChallenge(
            status="mfa_required" if purpose == "verify" else "mfa_enrolment_required",
            mfa_ticket=ticket,
            methods=methods,
            expires_in=int(TICKET_TTL.total_seconds()),
        )
    )


def ticket_tenant(ticket: str) -> UUID | None:
    """The tenant a ticket names (not yet checked), or ``None``."""
    parsed = parse_ticket(ticket)
    return parsed[0] if parsed else None
