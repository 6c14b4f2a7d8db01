"""Second factors of users: TOTP (pyotp), single-use recovery codes, the tenant's MFA policy.

A TOTP secret is kept sealed with the identity keyring (``NEXUS_IDENTITY_KEYS``, Fernet): the
database alone does not give the codes away. A secret counts once confirmed with a code;
each accepted code's time step is remembered, so a code is not accepted twice. Recovery
codes (ten, 80 random bits each) are stored as SHA-256 hashes and work once.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import TYPE_CHECKING

import msgspec
import pyotp
from nexus_hookspecs.secrets import Keyring

from nexus.db import new_id
from nexus.identity._events import MFA_ENROLLED, MFA_REMOVED, MfaChanged, mfa_event, publish
from nexus.identity._secrets import hash_secret

if TYPE_CHECKING:
    from uuid import UUID

    from asyncpg import Connection

__all__ = (
    "KEYS_VARIABLE",
    "seal",
    "unseal",
    "MfaPolicy",
    "MfaState",
    "TotpEnrolment",
    "confirm_totp",
    "has_second_factor",
    "mfa_state",
    "new_recovery_codes",
    "policy_requires",
    "read_policy",
    "remove_totp",
    "start_totp",
    "use_recovery_code",
    "verify_totp",
    "write_policy",
)

KEYS_VARIABLE = "NEXUS_IDENTITY_KEYS"
ISSUER = "Nexus"
RECOVERY_CODES = 10
_KEYRING = Keyring(KEYS_VARIABLE, owner="identity")


def seal(value: str) -> str:
    """Encrypt a secret to keep at rest with the identity keyring (409 without a key)."""
    return _KEYRING.encrypt(value)


def unseal(sealed: str) -> str:
    """Decrypt what :func:`seal` made."""
    return str(_KEYRING.decrypt(sealed))


class TotpEnrolment(msgspec.Struct, kw_only=True):
    """A TOTP secret to put in an authenticator app, pending until confirmed with a code."""

    secret: str
    otpauth_uri: str


class MfaState(msgspec.Struct, kw_only=True):
    """A user's second factors."""

    totp: bool
    passkeys: int
    recovery_codes_left: int
    required: bool


class MfaPolicy(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Who must sign in with a second factor: everyone, or holders of the given roles."""

    require_all: bool = False
    roles: list[str] = msgspec.field(default_factory=list)


async def start_totp(
    conn: Connection, *, tenant_id: UUID, user_id: UUID, label: str
) -> TotpEnrolment:
    """A new TOTP secret for the user, replacing one not confirmed yet.

    Raises:
        ClientException: 409 when the user has a confirmed TOTP already (remove it first),
            or when ``NEXUS_IDENTITY_KEYS`` is not configured.
    """
    from nexus_hookspecs.http import conflict  # noqa: PLC0415 - only on refusal

    confirmed = await conn.fetchval(
        "select confirmed_at is not null from nexus_mfa_totp where user_id = $1", user_id
    )
    if confirmed:
        conflict("the user has a confirmed authenticator app: remove it first")
    secret = pyotp.random_base32()
    await conn.execute("delete from nexus_mfa_totp where user_id = $1", user_id)
    await conn.execute(
        "insert into nexus_mfa_totp (tenant_id, user_id, secret_sealed) values ($1, $2, $3)",
        tenant_id,
        user_id,
        _KEYRING.encrypt(secret),
    )
    uri = pyotp.TOTP(secret).provisioning_uri(name=label, issuer_name=ISSUER)
    return TotpEnrolment(secret=secret, otpauth_uri=uri)


def _matching_step(secret: str, code: str, after: int) -> int | None:
    """The time step (now, one before, one after) whose code is ``code``, if after ``after``.

    Each code is accepted once; 30 s of clock drift either way.
    """
    totp = pyotp.TOTP(secret)
    now = time.time()
    step = totp.timecode(now)
    for offset in (0, -1, 1):
        candidate = step + offset
        if candidate > after and hmac.compare_digest(
            totp.generate_otp(candidate), code.strip().replace(" ", "")
        ):
            return int(candidate)
    return None


async def _check_totp(conn: Connection, user_id: UUID, code: str, *, confirmed: bool) -> bool:
    # Lock the row first (two codes at once: one wins), then read the sealed secret through
    # the function that is the API role's only way to it.
    await conn.execute("select 1 from nexus_mfa_totp where user_id = $1 for update", user_id)
    row = await conn.fetchrow(
        "select secret_sealed, last_step, confirmed from nexus_mfa_totp_secret($1)", user_id
    )
    if row is None or row["confirmed"] != confirmed:
        return False
    step = _matching_step(_KEYRING.decrypt(row["secret_sealed"]), code, row["last_step"])
    if step is None:
        return False
    await conn.execute(
        "update nexus_mfa_totp set last_step = $2, confirmed_at = coalesce(confirmed_at, now()) "
        "where user_id = $1",
        user_id,
        step,
    )
    return True


async def confirm_totp(
    conn: Connection, *, tenant_id: UUID, user_id: UUID, code: str
) -> list[str] | None:
    """Confirm the pending TOTP secret with a code from the app.

    Returns:
        New recovery codes when this is the user's first second factor, ``[]`` when they
        had codes already, ``None`` when the code is wrong or nothing is pending.
    """
    had = await has_second_factor(conn, user_id)
    if not await _check_totp(conn, user_id, code, confirmed=False):
        return None
    await publish(
        conn, tenant_id, type=MFA_ENROLLED, data=MfaChanged(user_id=user_id, factor="totp")
    )
    return [] if had else await new_recovery_codes(conn, tenant_id=tenant_id, user_id=user_id)


async def verify_totp(conn: Connection, user_id: UUID, code: str) -> bool:
    """Whether ``code`` is the user's current TOTP code (each is accepted once)."""
    return await _check_totp(conn, user_id, code, confirmed=True)


async def remove_totp(conn: Connection, user_id: UUID) -> bool:
    """Remove the user's authenticator app; ``False`` when they had none."""
    # Only a confirmed app was a factor: a pending one goes without an event.
    confirmed = await conn.fetchval(
        "delete from nexus_mfa_totp where user_id = $1 returning confirmed_at is not null",
        user_id,
    )
    if confirmed:
        await mfa_event(conn, MFA_REMOVED, user_id=user_id, factor="totp")
    return confirmed is not None


def _recovery_code() -> str:
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read off paper
    raw = "".join(secrets.choice(alphabet) for _ in range(16))  # 16 × log2(31) ≈ 79 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _normal(code: str) -> str:
    return code.strip().lower().replace("-", "").replace(" ", "")


async def new_recovery_codes(conn: Connection, *, tenant_id: UUID, user_id: UUID) -> list[str]:
    """Ten new recovery codes for the user (the earlier ones stop working); shown once."""
    await conn.execute("delete from nexus_mfa_recovery_code where user_id = $1", user_id)
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    await conn.executemany(
        "insert into nexus_mfa_recovery_code (tenant_id, id, user_id, code_hash) "
        "values ($1, $2, $3, $4)",
        [(tenant_id, new_id(), user_id, hash_secret(_normal(code))) for code in codes],
    )
    return codes


async def use_recovery_code(conn: Connection, user_id: UUID, code: str) -> bool:
    """Spend one of the user's recovery codes; ``False`` when it is unknown or used."""
    spent = await conn.fetchval(
        "select nexus_mfa_recovery_code_use($1, $2)", user_id, hash_secret(_normal(code))
    )
    return spent is not None


async def has_second_factor(conn: Connection, user_id: UUID) -> bool:
    """Whether the user has a confirmed authenticator app or a passkey."""
    return bool(
        await conn.fetchval(
            "select exists (select 1 from nexus_mfa_totp where user_id = $1 "
            "and confirmed_at is not null) "
            "or exists (select 1 from nexus_mfa_passkey where user_id = $1)",
            user_id,
        )
    )


async def mfa_state(conn: Connection, user_id: UUID, roles: list[str]) -> MfaState:
    """The user's second factors, and whether the tenant's policy requires one of them."""
    row = await conn.fetchrow(
        "select exists (select 1 from nexus_mfa_totp where user_id = $1 "
        "and confirmed_at is not null) as totp, "
        "(select count(*) from nexus_mfa_passkey where user_id = $1) as passkeys, "
        "(select count(*) from nexus_mfa_recovery_code where user_id = $1 "
        "and used_at is null) as codes",
        user_id,
    )
    assert row is not None  # a select of expressions always answers a row
    return MfaState(
        totp=row["totp"],
        passkeys=row["passkeys"],
        recovery_codes_left=row["codes"],
        required=policy_requires(await read_policy(conn), roles),
    )


async def read_policy(conn: Connection) -> MfaPolicy:
    """The tenant's MFA policy (row-level security picks the tenant); none required by default."""
    row = await conn.fetchrow("select require_all, roles from nexus_mfa_policy")
    if row is None:
        return MfaPolicy()
    return MfaPolicy(require_all=row["require_all"], roles=list(row["roles"]))


async def write_policy(conn: Connection, tenant_id: UUID, policy: MfaPolicy) -> MfaPolicy:
    """Replace the tenant's MFA policy."""
    await conn.execute(
        "insert into nexus_mfa_policy (tenant_id, require_all, roles) values ($1, $2, $3) "
        "on conflict (tenant_id) do update set require_all = excluded.require_all, "
        "roles = excluded.roles, updated_at = now()",
        tenant_id,
        policy.require_all,
        sorted(set(policy.roles)),
    )
    return MfaPolicy(require_all=policy.require_all, roles=sorted(set(policy.roles)))


def policy_requires(policy: MfaPolicy, roles: list[str] | frozenset[str]) -> bool:
    """Whether ``policy`` requires a second factor of a user holding ``roles``."""
    return policy.require_all or bool(set(policy.roles) & set(roles))
