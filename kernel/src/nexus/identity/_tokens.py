"""One-time tokens of users: invitations and password resets, stored as hashes.

A token reads ``nxt_<tenant>_<token id>_<secret>``: the tenant and the row are found from
the token itself (the routes that take one have no credentials), and only a SHA-256 of the
256-bit secret is stored. A token is used once, and expires; issuing a new one for the same
user and purpose retires the earlier ones.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Literal
from uuid import UUID

import msgspec

from nexus.db import new_id
from nexus.identity._secrets import hash_secret

if TYPE_CHECKING:
    from asyncpg import Connection

__all__ = ("TOKEN_PREFIX", "ParsedToken", "Purpose", "issue_token", "parse_token", "redeem")

TOKEN_PREFIX = "nxt"
Purpose = Literal["invitation", "password_reset", "email_verification"]


class ParsedToken(msgspec.Struct, frozen=True):
    """The parts of a user token."""

    tenant_id: UUID
    token_id: UUID
    secret: str


def parse_token(token: str) -> ParsedToken | None:
    """Split a user token into its parts, or ``None`` when it is not one."""
    try:
        prefix, tenant, token_id, secret = token.strip().split("_", 3)
        if prefix != TOKEN_PREFIX or not secret:
            return None
        return ParsedToken(UUID(hex=tenant), UUID(hex=token_id), secret)
    except ValueError:
        return None


async def issue_token(
    conn: Connection, *, tenant_id: UUID, user_id: UUID, purpose: Purpose, ttl: timedelta
) -> tuple[str, UUID, datetime]:
    """A new token for the user (earlier unused ones of the purpose retire): token, id, expiry."""
    await conn.execute(
        "delete from nexus_user_token where user_id = $1 and purpose = $2 and used_at is null",
        user_id,
        purpose,
    )
    token_id, secret = new_id(), secrets.token_urlsafe(32)
    expires_at = datetime.now(UTC) + ttl
    await conn.execute(
        "insert into nexus_user_token (tenant_id, id, user_id, purpose, token_hash, expires_at) "
        "values ($1, $2, $3, $4, $5, $6)",
        tenant_id,
        token_id,
        user_id,
        purpose,
        hash_secret(secret),
        expires_at,
    )
    return f"{TOKEN_PREFIX}_{tenant_id.hex}_{token_id.hex}_{secret}", token_id, expires_at


async def redeem(conn: Connection, parsed: ParsedToken, purpose: Purpose) -> UUID | None:
    """Use the token once: its user's id, or ``None`` when it is unknown, used or expired.

    The hash is compared by ``nexus_user_token_matches`` (the API role cannot read
    ``token_hash``); the use is one conditional update, so of two concurrent uses one wins.
    """
    matched = await conn.fetchrow(
        "select user_id from nexus_user_token_matches($1, $2, $3)",
        parsed.token_id,
        purpose,
        hash_secret(parsed.secret),
    )
    if matched is None:
        return None
    user_id = await conn.fetchval(
        "update nexus_user_token set used_at = now() where id = $1 and used_at is null "
        "and expires_at > now() returning user_id",
        parsed.token_id,
    )
    return user_id  # type: ignore[no-any-return]
