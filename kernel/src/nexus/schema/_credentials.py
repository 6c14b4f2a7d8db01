"""Credentials out of the API role's reach: column grants and security-definer functions.

Run by ``nexus migrate`` after the migrations, as the owner role. The API role (and the
relay, a member of it) keeps every privilege the owner's default privileges gave it on the
identity tables except these:

- ``nexus_signing_key``: it reads ``kid``, ``algorithm``, ``public_pem`` and the dates,
  never ``private_pem``, and writes nothing. The API process signs tokens, so it needs the
  active private key once at start-up: ``nexus_signing_key_for_signing()`` returns just
  that (the newest key not retired), and only the API role may call it. A query that reads
  the table (``select *``, an injected ``union``) cannot reach a private key; a caller that
  can run any SQL as the API role still can, through the function. To keep the key out of
  the database entirely, set ``NEXUS_JWT_PRIVATE_KEY``.
- ``nexus_user.password_hash`` and ``nexus_api_key.secret_hash``: not readable. Signing in
  reads one user's hash by email through ``nexus_user_credentials(email)`` (row-level
  security still limits it to the tenant of the transaction); an API key is checked with
  ``nexus_api_key_matches(tenant, id, hash)``, which answers yes or no.
- ``nexus_user_token.token_hash`` (invitations and password resets): not readable; a
  token is checked with ``nexus_user_token_matches(id, purpose, hash)``, which answers
  its user and state only when the hash matches. Writing hashes
  (new users, new keys, password changes) stays allowed: a write reveals nothing.
- second factors: ``nexus_mfa_totp.secret_sealed`` (a TOTP secret, sealed with
  ``NEXUS_IDENTITY_KEYS``) is read through ``nexus_mfa_totp_secret(user)``;
  ``nexus_mfa_recovery_code.code_hash`` is spent through ``nexus_mfa_recovery_code_use(user,
  hash)``, which answers the code's id only when the hash matches an unused one;
  ``nexus_mfa_ticket.secret_hash`` is checked by ``nexus_mfa_ticket_matches(id, hash)``.
- ``nexus_sso_provider.client_secret_sealed`` (an OIDC client secret, sealed) is read
  through ``nexus_sso_client_secret(provider)``.
- The OpenID provider's secrets (``nexus.idaas``): ``nexus_oidc_key.private_jwk`` (a
  tenant's signing key, Fernet-encrypted) comes through ``nexus_oidc_key_for_signing()``
  and is never updated; a client secret is checked with ``nexus_oidc_client_matches``; an
  authorization code is found and spent at once with ``nexus_oidc_code_take``; a token is
  found by its access or refresh hash with ``nexus_oidc_token_find``.
- ``nexus_platform_key``: no privilege at all. ``nexus_platform_key_verify(id, hash)``
  checks a key (and notes its use); ``nexus_platform_key_state(id)`` tells whether a
  platform token's key is still valid. Platform keys are created by operator commands.

The operator role (:data:`nexus.db.OPERATOR_ROLE`: operator commands such as
``nexus admin create-platform-admin`` and tenant export and import) reads and writes all
of it; row-level security still applies to it.

Every function is ``security definer`` owned by the owner role, with ``search_path``
pinned to the schema (then ``pg_temp``), and executable by the API role only.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nexus.db import OPERATOR_ROLE

if TYPE_CHECKING:
    import asyncpg

__all__ = ("SECRET_COLUMNS", "UNREACHABLE_TABLES", "secure_credentials")

SECRET_COLUMNS: dict[str, tuple[str, ...]] = {
    "nexus_signing_key": ("private_pem",),
    "nexus_user": ("password_hash",),
    "nexus_api_key": ("secret_hash",),
    "nexus_user_token": ("token_hash",),
    "nexus_mfa_totp": ("secret_sealed",),
    "nexus_mfa_recovery_code": ("code_hash",),
    "nexus_mfa_ticket": ("secret_hash",),
    "nexus_sso_provider": ("client_secret_sealed",),
    "nexus_oidc_key": ("private_jwk",),
    "nexus_oidc_client": ("secret_hash",),
    "nexus_oidc_code": ("code_hash",),
    "nexus_oidc_token": ("access_hash", "refresh_hash"),
}
"""Columns the API role may neither read nor, for the signing key, write."""

UNREACHABLE_TABLES = ("nexus_platform_key",)
"""Tables the API role holds no privilege on."""

# The API role writes no signing key: nexus migrate (the owner) creates them.
_READ_ONLY = ("nexus_signing_key",)

# Tables whose rows the API role writes but of which it updates only these columns (the
# OpenID provider makes and retires its tenants' keys, and never rewrites a private key).
_UPDATABLE_ONLY: dict[str, tuple[str, ...]] = {"nexus_oidc_key": ("retired_at",)}

# Each function: its signature, what it returns, its volatility and its body (SQL).
_FUNCTIONS: dict[str, tuple[str, str, str]] = {
    "nexus_signing_key_for_signing()": (
        "table (kid text, private_pem text)",
        "stable",
        "select k.kid, k.private_pem from nexus_signing_key k "
        "where k.retired_at is null order by k.created_at desc limit 1",
    ),
    "nexus_user_credentials(p_email text)": (
        "table (id uuid, roles text[], disabled boolean, password_hash text)",
        "stable",
        "select u.id, u.roles, u.disabled, u.password_hash from nexus_user u "
        "where lower(u.email) = lower(p_email)",
    ),
    "nexus_api_key_matches(p_tenant_id uuid, p_id uuid, p_secret_hash bytea)": (
        "boolean",
        "stable",
        "select exists (select 1 from nexus_api_key k where k.tenant_id = p_tenant_id "
        "and k.id = p_id and k.secret_hash = p_secret_hash)",
    ),
    "nexus_platform_key_verify(p_id uuid, p_secret_hash bytea)": (
        "table (expires_at timestamptz, revoked_at timestamptz)",
        "volatile",
        "update nexus_platform_key k set last_used_at = now() "
        "where k.id = p_id and k.secret_hash = p_secret_hash "
        "and (k.last_used_at is null or k.last_used_at < now() - interval '1 minute'); "
        "select k.expires_at, k.revoked_at from nexus_platform_key k "
        "where k.id = p_id and k.secret_hash = p_secret_hash",
    ),
    "nexus_user_token_matches(p_id uuid, p_purpose text, p_token_hash bytea)": (
        "table (user_id uuid, expires_at timestamptz, used_at timestamptz)",
        "stable",
        "select t.user_id, t.expires_at, t.used_at from nexus_user_token t "
        "where t.id = p_id and t.purpose = p_purpose and t.token_hash = p_token_hash",
    ),
    "nexus_mfa_totp_secret(p_user_id uuid)": (
        "table (secret_sealed text, last_step bigint, confirmed boolean)",
        "stable",
        "select t.secret_sealed, t.last_step, t.confirmed_at is not null from nexus_mfa_totp t "
        "where t.user_id = p_user_id",
    ),
    "nexus_mfa_recovery_code_use(p_user_id uuid, p_code_hash bytea)": (
        "uuid",
        "volatile",
        "update nexus_mfa_recovery_code c set used_at = now() where c.user_id = p_user_id "
        "and c.code_hash = p_code_hash and c.used_at is null returning c.id",
    ),
    "nexus_mfa_ticket_matches(p_id uuid, p_secret_hash bytea)": (
        "boolean",
        "stable",
        "select exists (select 1 from nexus_mfa_ticket t where t.id = p_id "
        "and t.secret_hash = p_secret_hash)",
    ),
    "nexus_sso_client_secret(p_id uuid)": (
        "text",
        "stable",
        "select p.client_secret_sealed from nexus_sso_provider p where p.id = p_id",
    ),
    "nexus_oidc_key_for_signing()": (
        "table (kid text, private_jwk text)",
        "stable",
        "select k.kid, k.private_jwk from nexus_oidc_key k "
        "where k.retired_at is null order by k.created_at desc limit 1",
    ),
    "nexus_oidc_client_matches(p_client_id text, p_secret_hash bytea)": (
        "boolean",
        "stable",
        "select exists (select 1 from nexus_oidc_client c where c.client_id = p_client_id "
        "and c.secret_hash = p_secret_hash)",
    ),
    "nexus_oidc_code_take(p_code_hash bytea, p_client_id text)": (
        "table (client_id text, user_id uuid, redirect_uri text, scope text, nonce text, "
        "code_challenge text, code_challenge_method text, auth_time bigint)",
        "volatile",
        "delete from nexus_oidc_code c where c.code_hash = p_code_hash "
        "and c.client_id = p_client_id and c.expires_at > now() returning c.client_id, "
        "c.user_id, c.redirect_uri, c.scope, c.nonce, c.code_challenge, "
        "c.code_challenge_method, c.auth_time",
    ),
    "nexus_oidc_token_find(p_access_hash bytea, p_refresh_hash bytea)": (
        "table (id uuid, family_id uuid, client_id text, user_id uuid, scope text, "
        "expires_at timestamptz, refresh_expires_at timestamptz, rotated_at timestamptz, "
        "revoked_at timestamptz)",
        "stable",
        "select t.id, t.family_id, t.client_id, t.user_id, t.scope, t.expires_at, "
        "t.refresh_expires_at, t.rotated_at, t.revoked_at from nexus_oidc_token t "
        "where (p_access_hash is not null and t.access_hash = p_access_hash) "
        "or (p_refresh_hash is not null and t.refresh_hash = p_refresh_hash)",
    ),
    "nexus_platform_key_state(p_id uuid)": (
        "table (expires_at timestamptz, revoked_at timestamptz)",
        "stable",
        "select k.expires_at, k.revoked_at from nexus_platform_key k where k.id = p_id",
    ),
}
"""The security-definer functions: the API role's only way to what it may not read."""


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


async def secure_credentials(conn: asyncpg.Connection, *, api_role: str) -> None:
    """Grant the API role what it needs of the identity tables, and nothing secret.

    Idempotent; must run as the owner role (the tables' and functions' owner).
    """
    api, operator = _quote(api_role), _quote(OPERATOR_ROLE)
    schema = _quote(await conn.fetchval("select current_schema()"))
    statements = []
    for table, secret in SECRET_COLUMNS.items():
        columns = await conn.fetch(
            "select attname::text as name from pg_attribute "
            "where attrelid = $1::regclass and attnum > 0 and not attisdropped order by attnum",
            table,
        )
        readable = ", ".join(_quote(c["name"]) for c in columns if c["name"] not in secret)
        # Revoking the table's privilege revokes its column privileges too: start afresh.
        statements.append(f"revoke select on {table} from {api}")
        statements.append(f"grant select ({readable}) on {table} to {api}")
        statements.append(f"grant select, insert, update, delete on {table} to {operator}")
    for table in _READ_ONLY:
        statements.append(f"revoke insert, update, delete, truncate on {table} from {api}")
    for table, updatable in _UPDATABLE_ONLY.items():
        statements.append(f"revoke update on {table} from {api}")
        statements.append(f"grant update ({', '.join(map(_quote, updatable))}) on {table} to {api}")
    for table in UNREACHABLE_TABLES:
        statements.append(f"revoke all on {table} from {api}")
        statements.append(f"grant select, insert, update, delete on {table} to {operator}")
    for signature, (returns, volatility, body) in _FUNCTIONS.items():
        statements.append(
            f"create or replace function {signature} returns {returns} "
            f"language sql {volatility} security definer set search_path = {schema}, pg_temp "
            f"as $fn$ {body} $fn$"
        )
        statements.append(f"revoke all on function {signature} from public")
        statements.append(f"grant execute on function {signature} to {api}")
    await conn.execute(";\n".join(statements))
