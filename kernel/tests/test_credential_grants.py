"""The API role cannot read private keys or credential hashes (issue #16, item 4).

``nexus migrate`` grants the API role (and the relay, a member of it) column by column on
the identity tables; what it needs of the secrets comes through security-definer functions
(see ``nexus.schema._credentials``). These tests read the grants from the catalog, so a
new secret column, or a grant that brings one back, fails them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from nexus.db import OPERATOR_ROLE, RELAY_ROLE
from nexus.settings import Settings
from nexus.testing import migrated_database, run_sync

if TYPE_CHECKING:
    from collections.abc import Iterator

API_ROLE = Settings().db_api_role
OWNER_ROLE = Settings().db_owner_role
# A column whose name says it holds a secret; public_pem is the one that holds none.
SECRET_NAME = r"(hash|private|secret|password)"
UNREACHABLE_TABLES = ("nexus_platform_key",)


@pytest.fixture(scope="module")
def url(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server) as url:
        yield url


def query(url: str, sql: str, *args: Any, role: str | None = None) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        settings = {"role": role} if role else {}
        conn = await asyncpg.connect(url, server_settings=settings)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return run_sync(run())


def secret_columns(url: str) -> list[tuple[str, str]]:
    rows = query(
        url,
        "select table_name::text, column_name::text from information_schema.columns "
        "where table_schema = current_schema() and column_name ~ $1 order by 1, 2",
        SECRET_NAME,
    )
    return [(row[0], row[1]) for row in rows]


def test_the_secrets_are_where_the_model_says(url):
    assert secret_columns(url) == [
        ("nexus_api_key", "secret_hash"),
        ("nexus_mfa_recovery_code", "code_hash"),
        ("nexus_mfa_ticket", "secret_hash"),
        ("nexus_mfa_totp", "secret_sealed"),
        ("nexus_oidc_client", "secret_hash"),
        ("nexus_oidc_code", "code_hash"),
        ("nexus_oidc_key", "private_jwk"),
        ("nexus_oidc_token", "access_hash"),
        ("nexus_oidc_token", "refresh_hash"),
        ("nexus_platform_key", "secret_hash"),
        ("nexus_signing_key", "private_pem"),
        ("nexus_sso_provider", "client_secret_sealed"),
        ("nexus_user", "password_hash"),
        ("nexus_user_token", "token_hash"),
    ]


@pytest.mark.parametrize("role", [API_ROLE, RELAY_ROLE])
def test_the_api_role_holds_no_privilege_on_a_secret_column(url, role):
    held = [
        f"{table}.{column}: {privilege}"
        for table, column in secret_columns(url)
        for privilege in ("SELECT", "UPDATE", "REFERENCES")
        if query(
            url,
            "select has_column_privilege($1, $2, $3, $4)",
            role,
            table,
            column,
            privilege,
        )[0][0]
        # writing a hash is fine; a private key is never rewritten
        and not (privilege == "UPDATE" and not column.startswith("private"))
    ]
    assert held == []


@pytest.mark.parametrize("role", [API_ROLE, RELAY_ROLE])
def test_the_api_role_holds_no_privilege_on_the_platform_keys(url, role):
    granted = query(
        url,
        "select table_name::text, privilege_type::text from information_schema.role_table_grants "
        "where grantee = $1 and table_name = any($2::text[])",
        role,
        list(UNREACHABLE_TABLES),
    )
    assert granted == []
    for table in UNREACHABLE_TABLES:
        for privilege in ("SELECT", "INSERT", "UPDATE", "DELETE", "TRUNCATE"):
            held = query(url, "select has_table_privilege($1, $2, $3)", role, table, privilege)
            assert held[0][0] is False, f"{role} holds {privilege} on {table}"


def test_column_grants_list_no_secret_for_the_api_role(url):
    listed = query(
        url,
        "select table_name::text, column_name::text, privilege_type::text "
        "from information_schema.column_privileges "
        "where grantee = $1 and column_name ~ $2 and privilege_type = 'SELECT'",
        API_ROLE,
        SECRET_NAME,
    )
    assert listed == []


def test_the_api_role_writes_no_signing_key(url):
    for privilege in ("INSERT", "UPDATE", "DELETE", "TRUNCATE"):
        held = query(
            url, "select has_table_privilege($1, 'nexus_signing_key', $2)", API_ROLE, privilege
        )
        assert held[0][0] is False, privilege


@pytest.mark.parametrize(
    "sql",
    [
        "select private_pem from nexus_signing_key",
        "select * from nexus_signing_key",
        "select password_hash from nexus_user",
        "select * from nexus_api_key",
        "select id from nexus_platform_key",
        "update nexus_signing_key set private_pem = private_pem",
    ],
)
def test_reading_a_secret_as_the_api_role_is_refused(url, sql):
    with pytest.raises(asyncpg.InsufficientPrivilegeError):
        query(url, sql, role=API_ROLE)


def test_the_api_role_still_reads_what_it_needs(url):
    keys = query(url, "select kid, public_pem from nexus_signing_key", role=API_ROLE)
    assert keys and keys[0]["public_pem"].startswith("-----BEGIN PUBLIC KEY-----")
    signing = query(url, "select kid from nexus_signing_key_for_signing()", role=API_ROLE)
    assert [row["kid"] for row in signing] == [keys[0]["kid"]]
    query(url, "select id, email, roles, disabled from nexus_user", role=API_ROLE)
    query(url, "select id, roles, scopes, revoked_at from nexus_api_key", role=API_ROLE)


def test_the_operator_role_reads_the_credentials_it_moves(url):
    query(url, "select password_hash from nexus_user", role=OPERATOR_ROLE)
    query(url, "select secret_hash from nexus_api_key", role=OPERATOR_ROLE)
    query(url, "select id from nexus_platform_key", role=OPERATOR_ROLE)


def test_the_definer_functions_are_pinned_and_the_api_roles_alone(url):
    functions = query(
        url,
        "select p.oid::regprocedure::text as name, pg_get_userbyid(p.proowner) as owner, "
        "p.proconfig as config, has_function_privilege('public', p.oid, 'EXECUTE') as public "
        "from pg_proc p where p.prosecdef and p.pronamespace = current_schema()::regnamespace",
    )
    assert {row["name"] for row in functions} >= {
        "nexus_signing_key_for_signing()",
        "nexus_user_credentials(text)",
        "nexus_api_key_matches(uuid,uuid,bytea)",
        "nexus_platform_key_verify(uuid,bytea)",
        "nexus_platform_key_state(uuid)",
    }
    for row in functions:
        assert row["owner"] == OWNER_ROLE, row["name"]
        assert any(item.startswith("search_path=") for item in row["config"] or ()), row["name"]
        assert row["public"] is False, f"PUBLIC may call {row['name']}"
