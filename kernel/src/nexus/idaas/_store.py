"""The provider's rows: clients, authorization codes, tokens and their families, consents.

Each function runs in a transaction of the tenant (row-level security picks the rows).
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from nexus.db import new_id
from nexus.idaas._models import Code, Token
from nexus.idaas._secrets import hash_token

if TYPE_CHECKING:
    from uuid import UUID

    from asyncpg import Connection

__all__ = (
    "CODE_TTL",
    "client_secret_matches",
    "consented",
    "find_client",
    "find_token",
    "remember_consent",
    "revoke_family",
    "revoke_user_tokens",
    "rotate_refresh",
    "save_code",
    "save_token",
    "take_code",
    "user_claims",
)

CODE_TTL = timedelta(minutes=1)

_CLIENT = (
    "id, client_id, name, confidential, redirect_uris, post_logout_redirect_uris, "
    "grant_types, scopes"
)
_TOKEN = (
    "id, family_id, client_id, user_id, scope, expires_at, refresh_expires_at, rotated_at, "
    "revoked_at"
)


async def find_client(conn: Connection, client_id: str) -> Any:
    """The row of the tenant's client ``client_id``, or ``None`` (another tenant's is unseen)."""
    return await conn.fetchrow(
        f"select {_CLIENT} from nexus_oidc_client where client_id = $1", client_id
    )


async def client_secret_matches(conn: Connection, client_id: str, secret: str) -> bool:
    """Whether ``secret`` is the confidential client's secret (compared by its hash)."""
    return bool(
        await conn.fetchval(
            "select nexus_oidc_client_matches($1, $2)", client_id, hash_token(secret)
        )
    )


async def save_code(
    conn: Connection, *, code: str, client_id: str, user_id: UUID, data: dict[str, Any]
) -> None:
    """Keep an authorization code (its hash) for ``CODE_TTL``."""
    await conn.execute(
        "insert into nexus_oidc_code (tenant_id, code_hash, client_id, user_id, redirect_uri, "
        "scope, nonce, code_challenge, code_challenge_method, auth_time, expires_at) "
        "values (nullif(current_setting('nexus.tenant_id', true), '')::uuid, "
        "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        hash_token(code),
        client_id,
        user_id,
        data.get("redirect_uri") or "",
        data.get("scope") or "",
        data.get("nonce"),
        data.get("code_challenge"),
        data.get("code_challenge_method"),
        int(data.get("auth_time") or time.time()),
        datetime.now(UTC) + CODE_TTL,
    )


async def take_code(conn: Connection, code: str, client_id: str) -> Code | None:
    """The unexpired code issued to ``client_id``, spent as it is taken (used once)."""
    row = await conn.fetchrow(
        "select * from nexus_oidc_code_take($1, $2)", hash_token(code), client_id
    )
    return Code(row) if row else None


async def save_token(
    conn: Connection,
    *,
    token: dict[str, Any],
    client_id: str,
    user_id: UUID | None,
    family_id: UUID | None,
    refresh_ttl: timedelta,
) -> None:
    """Keep an issued token (hashes only); a new family unless ``family_id`` names one."""
    now = datetime.now(UTC)
    refresh = token.get("refresh_token")
    await conn.execute(
        "insert into nexus_oidc_token (tenant_id, id, family_id, client_id, user_id, scope, "
        "access_hash, refresh_hash, expires_at, refresh_expires_at) values "
        "(nullif(current_setting('nexus.tenant_id', true), '')::uuid, "
        "$1, $2, $3, $4, $5, $6, $7, $8, $9)",
        new_id(),
        family_id or new_id(),
        client_id,
        user_id,
        token.get("scope") or "",
        hash_token(token["access_token"]),
        hash_token(refresh) if refresh else None,
        now + timedelta(seconds=int(token["expires_in"])),
        now + refresh_ttl if refresh else None,
    )


async def find_token(
    conn: Connection, *, access: str | None = None, refresh: str | None = None
) -> Token | None:
    """The token whose access or refresh value is given, revoked or not, or ``None``."""
    if access is None and refresh is None:
        return None
    row = await conn.fetchrow(
        f"select {_TOKEN} from nexus_oidc_token_find($1, $2)",
        hash_token(access) if access is not None else None,
        hash_token(refresh) if refresh is not None else None,
    )
    return Token(row) if row else None


async def rotate_refresh(conn: Connection, token_id: UUID) -> None:
    """Mark a refresh token used: presenting it again is reuse."""
    await conn.execute(
        "update nexus_oidc_token set rotated_at = coalesce(rotated_at, now()), "
        "revoked_at = coalesce(revoked_at, now()) where id = $1",
        token_id,
    )


async def revoke_family(conn: Connection, family_id: UUID) -> int:
    """Revoke every token of a family (a reused refresh token); return how many."""
    status = await conn.execute(
        "update nexus_oidc_token set revoked_at = coalesce(revoked_at, now()) "
        "where family_id = $1 and revoked_at is null",
        family_id,
    )
    return int(status.split()[-1])


async def revoke_user_tokens(conn: Connection, user_id: UUID) -> None:
    """Revoke every token of a user (deprovisioned, signed out everywhere)."""
    await conn.execute(
        "update nexus_oidc_token set revoked_at = coalesce(revoked_at, now()) "
        "where user_id = $1 and revoked_at is null",
        user_id,
    )


async def consented(conn: Connection, *, user_id: UUID, client_id: str, scopes: set[str]) -> bool:
    """Whether the user already allowed ``client_id`` every scope of ``scopes``."""
    row = await conn.fetchrow(
        "select scopes from nexus_oidc_consent where user_id = $1 and client_id = $2",
        user_id,
        client_id,
    )
    return row is not None and scopes <= set(row["scopes"])


async def remember_consent(
    conn: Connection, *, user_id: UUID, client_id: str, scopes: set[str]
) -> None:
    """Remember that the user allowed ``client_id`` these scopes (added to earlier ones)."""
    await conn.execute(
        "insert into nexus_oidc_consent (tenant_id, user_id, client_id, scopes) values "
        "(nullif(current_setting('nexus.tenant_id', true), '')::uuid, $1, $2, $3) "
        "on conflict (tenant_id, user_id, client_id) do update set "
        "scopes = array(select distinct unnest(nexus_oidc_consent.scopes || excluded.scopes)), "
        "granted_at = now()",
        user_id,
        client_id,
        sorted(scopes),
    )


async def user_claims(conn: Connection, user_id: UUID) -> Any:
    """The enabled user's id, email, name and roles, or ``None`` (disabled or gone)."""
    return await conn.fetchrow(
        "select id, email, name, roles, updated_at from nexus_user where id = $1 and not disabled",
        user_id,
    )
