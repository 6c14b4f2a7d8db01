"""Kiosks: per-tenant tokens naming their tenant, PIN punches and their throttling.

A kiosk token is ``<tenant id>.<kiosk id>.<secret>``: the public punch route reads the
tenant from it, opens a transaction for that tenant only (row-level security), and accepts
the punch only if the kiosk exists there, is not revoked and the secret's SHA-256 matches.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime
from typing import TYPE_CHECKING, Literal
from uuid import UUID

import msgspec
from nexus_hookspecs import new_id

from nexus_time._attendance import Action, open_state

if TYPE_CHECKING:
    from nexus_hookspecs import Connection

__all__ = (
    "KioskOut",
    "TokenParts",
    "failures",
    "issue",
    "kiosk_valid",
    "next_action",
    "parse_token",
    "record_failure",
)


class KioskOut(msgspec.Struct, kw_only=True):
    """A kiosk (its token is shown once, when issued)."""

    id: UUID
    name: str
    revoked_at: datetime | None
    created_at: datetime


class TokenParts(msgspec.Struct, frozen=True):
    """A parsed kiosk token."""

    tenant_id: UUID
    kiosk_id: UUID
    secret: str


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def parse_token(token: str) -> TokenParts | None:
    """The parts of a kiosk token, or ``None`` when it is not shaped like one."""
    tenant, _, rest = token.partition(".")
    kiosk, _, secret = rest.partition(".")
    try:
        return TokenParts(UUID(tenant), UUID(kiosk), secret) if secret else None
    except ValueError:
        return None


async def issue(conn: Connection, tenant_id: UUID, name: str) -> tuple[KioskOut, str]:
    """Create a kiosk; its token (returned once) is never stored, only its secret's hash."""
    secret = secrets.token_urlsafe(32)
    kiosk_id = new_id()
    row = await conn.fetchrow(
        "insert into time_kiosk (id, name, secret_hash) values ($1, $2, $3) "
        "returning id, name, revoked_at, created_at",
        kiosk_id,
        name,
        _digest(secret),
    )
    return msgspec.convert(dict(row or {}), KioskOut, strict=False), f"{tenant_id}.{kiosk_id}.{secret}"


async def kiosk_valid(conn: Connection, parts: TokenParts) -> bool:
    """Whether the token names a live kiosk of its tenant with the right secret."""
    found = await conn.fetchval(
        "select secret_hash from time_kiosk where id = $1 and revoked_at is null",
        parts.kiosk_id,
    )
    return found is not None and hmac.compare_digest(found, _digest(parts.secret))


async def failures(conn: Connection, kiosk_id: UUID, subject: str, minutes: int) -> tuple[int, int]:
    """Refused punches in the last ``minutes``: for ``subject`` and for the whole kiosk."""
    row = await conn.fetchrow(
        "select count(*) filter (where subject = $2) as mine, count(*) as every "
        "from time_kiosk_failure where kiosk_id = $1 and at > now() - make_interval(mins => $3)",
        kiosk_id,
        subject,
        minutes,
    )
    if row is None:
        return 0, 0
    return int(row["mine"]), int(row["every"])


async def record_failure(conn: Connection, kiosk_id: UUID, subject: str) -> None:
    """Count a refused punch (committed even though the request is refused)."""
    await conn.execute(
        "insert into time_kiosk_failure (id, kiosk_id, subject) values ($1, $2, $3)",
        new_id(),
        kiosk_id,
        subject,
    )


async def next_action(conn: Connection, employee_id: UUID, asked: Action | None) -> Action:
    """The punch to make: the one asked, else clock in when out, out when in, end a break."""
    if asked is not None:
        return asked
    state: Literal["out", "in", "break"] = await open_state(conn, employee_id)
    return {"out": "in", "in": "out", "break": "break_end"}[state]  # type: ignore[return-value]
