"""Sign-in sessions: each user sign-in is recorded, and its token names it (``sid``).

A session lasts as long as the token issued with it (``NEXUS_JWT_TTL_S``). Revoking it
stops its token in this process at once and in the others within ``NEXUS_AUTH_CACHE_TTL_S``
(the authenticator checks the session with the user, as it checks an API key).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING
from uuid import UUID

import msgspec

from nexus.db import new_id
from nexus.identity._events import SESSIONS_REVOKED, SessionsRevoked, publish
from nexus.identity._principal import PrincipalKind

if TYPE_CHECKING:
    from asyncpg import Connection

    from nexus.identity._authenticate import Authenticator

__all__ = (
    "Session",
    "SignedIn",
    "list_sessions",
    "revoke_sessions",
    "sign_in",
)

_SESSION = "id, user_id, method, address, user_agent, created_at, expires_at"


class SignedIn(msgspec.Struct, kw_only=True):
    """A bearer token (a JWT) of a new session, its lifetime in seconds, and the session.

    ``recovery_codes`` comes once, when the sign-in enrolled the user's first second factor.
    """

    access_token: str
    token_type: str
    expires_in: int
    session_id: UUID
    recovery_codes: list[str] | None = None


class Session(msgspec.Struct, kw_only=True):
    """A live sign-in session: how it started, from where, until when."""

    id: UUID
    user_id: UUID
    method: str
    address: str | None
    user_agent: str | None
    created_at: datetime
    expires_at: datetime
    current: bool = False


async def sign_in(
    auth: Authenticator,
    conn: Connection,
    *,
    tenant_id: UUID,
    user_id: UUID,
    roles: frozenset[str] | list[str],
    method: str,
    address: str | None,
    user_agent: str | None,
) -> SignedIn:
    """Record a session of the user and issue its token, in the caller's transaction.

    ``method`` says how the user proved who they are (``password``, ``password+totp``,
    ``sso:saml``, …).
    """
    if auth.jwt is None:
        raise RuntimeError("token authentication is not ready")
    session_id = new_id()
    expires_at = datetime.now(UTC) + timedelta(seconds=auth.jwt.ttl_s)
    await conn.execute(
        "insert into nexus_session (tenant_id, id, user_id, method, address, user_agent, "
        "expires_at) values ($1, $2, $3, $4, $5, $6, $7)",
        tenant_id,
        session_id,
        user_id,
        method,
        address,
        (user_agent or "")[:300] or None,
        expires_at,
    )
    token, expires_in = auth.jwt.issue(
        subject=user_id,
        tenant_id=tenant_id,
        roles=sorted(roles),
        credential=PrincipalKind.USER.value,
        session_id=session_id,
    )
    return SignedIn(
        access_token=token, token_type="Bearer", expires_in=expires_in, session_id=session_id
    )


async def list_sessions(conn: Connection, user_id: UUID, *, current: UUID | None) -> list[Session]:
    """The user's live sessions, newest first; ``current`` is marked."""
    rows = await conn.fetch(
        f"select {_SESSION} from nexus_session where user_id = $1 and revoked_at is null "
        "and expires_at > now() order by created_at desc limit 200",
        user_id,
    )
    return [
        msgspec.convert({**dict(row), "current": row["id"] == current}, Session) for row in rows
    ]


async def revoke_sessions(
    conn: Connection, user_id: UUID, session_id: UUID | None, *, by_admin: bool = False
) -> int:
    """Revoke one live session of the user (or all when ``session_id`` is ``None``).

    Revoked sessions are announced (``nexus.user.sessions_revoked.v1``).

    Returns:
        How many were revoked.
    """
    rows = await conn.fetch(
        "update nexus_session set revoked_at = now() where user_id = $1 "
        "and ($2::uuid is null or id = $2) and revoked_at is null and expires_at > now() "
        "returning tenant_id, id",
        user_id,
        session_id,
    )
    if rows:
        ids = sorted(row["id"] for row in rows)
        data = SessionsRevoked(user_id=user_id, session_ids=ids, by_admin=by_admin)
        await publish(conn, rows[0]["tenant_id"], type=SESSIONS_REVOKED, data=data)
    return len(rows)
