"""Guessing is throttled and sign-in does not tell who exists (issue #16, item 3)."""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING, Any

import pytest
import redis
from argon2 import PasswordHasher
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar.testing import TestClient
    from nexus.testing import TestTenant

TOKEN = "/api/v1/auth/token"
PASSWORD = "correct horse battery"


@pytest.fixture(scope="module")
def url(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server) as url:
        yield url


def client_for(url: str, **settings: Any) -> TestClient[Any]:
    return create_test_client(database_url=url, settings=Settings(log_level="warning", **settings))


def add_user(client: TestClient[Any], tenant: TestTenant, **fields: Any) -> str:
    email = f"u-{uuid.uuid4().hex[:8]}@example.com"
    created = client.post(
        "/api/v1/users",
        json={"email": email, "name": "U", "password": PASSWORD, **fields},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    return email


def sign_in(client: TestClient[Any], tenant: str, email: str, password: str) -> Any:
    return client.post(
        TOKEN,
        json={"grant_type": "password", "tenant": tenant, "email": email, "password": password},
    )


def assert_throttled(response: Any, *, at_most: int) -> None:
    assert response.status_code == 429, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == "/problems/rate-limited"
    assert 1 <= int(response.headers["retry-after"]) <= at_most


def test_failed_sign_ins_lock_the_account_out_even_for_the_right_password(url):
    with client_for(
        url,
        signin_failures_per_account="3/15minutes",
        signin_failures_per_address="100/15minutes",
        signin_lockout_s=600,
    ) as client:
        tenant = make_tenant(url)
        email, other = add_user(client, tenant), add_user(client, tenant)
        for _ in range(3):
            assert sign_in(client, tenant.slug, email, "wrong password!").status_code == 401

        assert_throttled(sign_in(client, tenant.slug, email, PASSWORD), at_most=600)
        # Named by id instead of slug, or in other case, it is the same account.
        assert_throttled(sign_in(client, str(tenant.id), email.upper(), PASSWORD), at_most=600)
        assert sign_in(client, tenant.slug, other, PASSWORD).status_code == 200


def test_a_good_sign_in_forgets_the_accounts_failures(url):
    with client_for(url, signin_failures_per_account="3/15minutes") as client:
        tenant = make_tenant(url)
        email = add_user(client, tenant)
        for _ in range(3):
            assert sign_in(client, tenant.slug, email, "wrong password!").status_code == 401
            assert sign_in(client, tenant.slug, email, "wrong password!").status_code == 401
            assert sign_in(client, tenant.slug, email, PASSWORD).status_code == 200


def test_failed_sign_ins_from_one_address_lock_it_out_across_accounts(url):
    with client_for(
        url,
        signin_failures_per_account="100/15minutes",
        signin_failures_per_address="3/15minutes",
        signin_lockout_s=300,
    ) as client:
        tenant = make_tenant(url)
        emails = [add_user(client, tenant) for _ in range(3)]
        fresh = add_user(client, tenant)
        for email in [*emails[:2], "nobody@example.com"]:
            assert sign_in(client, tenant.slug, email, "wrong password!").status_code == 401

        assert_throttled(sign_in(client, tenant.slug, fresh, PASSWORD), at_most=300)
        assert_throttled(sign_in(client, "no-such-tenant", fresh, PASSWORD), at_most=300)


def test_a_flood_of_invalid_credentials_from_one_address_gets_429(url):
    with client_for(url, invalid_credentials_per_address="3/minute") as client:
        tenant = make_tenant(url)
        good = tenant.headers
        assert client.get("/api/v1/me", headers=good).status_code == 200  # verified, remembered
        forged = tenant.key[:-4] + "AAAA"
        invalid = [
            {"Authorization": f"Bearer {forged}"},
            {"Authorization": "Bearer not.a.jwt"},
            {"Authorization": f"Bearer nxp_{uuid.uuid4().hex}_guess"},
        ]
        for headers in invalid:
            assert client.get("/api/v1/me", headers=headers).status_code == 401

        assert_throttled(client.get("/api/v1/me", headers=invalid[0]), at_most=60)
        exchanged = client.post(TOKEN, json={"grant_type": "api_key", "api_key": forged})
        assert_throttled(exchanged, at_most=60)
        assert client.get("/api/v1/me", headers=good).status_code == 200


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every argon2 verification the process runs (the real one, counted)."""
    seen: list[str] = []
    verify = PasswordHasher.verify

    def counted(self: PasswordHasher, hash: str | bytes, password: str | bytes) -> bool:  # noqa: A002
        seen.append(str(hash)[:9])
        return verify(self, hash, password)

    monkeypatch.setattr(PasswordHasher, "verify", counted)
    return seen


def test_every_refused_sign_in_costs_one_argon2_verification(url, verifications):
    with client_for(url) as client:
        tenant = make_tenant(url)
        email = add_user(client, tenant)
        disabled = add_user(client, tenant)
        listed = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
        user_id = next(user["id"] for user in listed if user["email"] == disabled)
        client.patch(f"/api/v1/users/{user_id}", json={"disabled": True}, headers=tenant.headers)
        cases = {
            "wrong password": (tenant.slug, email, "wrong password!"),
            "unknown email": (tenant.slug, "nobody@example.com", PASSWORD),
            "unknown tenant": ("no-such-tenant", email, PASSWORD),
            "disabled user": (tenant.slug, disabled, PASSWORD),
        }
        for case, (ref, who, password) in cases.items():
            verifications.clear()
            assert sign_in(client, ref, who, password).status_code == 401, case
            assert len(verifications) == 1, f"{case}: {len(verifications)} argon2 verifications"
            assert verifications[0].startswith("$argon2"), case


def test_a_lock_out_counted_in_redis_holds_in_every_process(url):
    redis_url = os.environ.get("NEXUS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    probe = redis.Redis.from_url(redis_url, socket_connect_timeout=1)
    try:
        probe.ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {redis_url} ({exc}); set NEXUS_TEST_REDIS_URL")
    finally:
        probe.close()
    # Only the account (its tenant is new) is locked: the address is shared by every test.
    settings = {"signin_failures_per_account": "2/15minutes", "redis_url": redis_url}
    with client_for(url, **settings) as one, client_for(url, **settings) as two:
        tenant = make_tenant(url)
        email = add_user(one, tenant)
        assert sign_in(one, tenant.slug, email, "wrong password!").status_code == 401
        assert sign_in(two, tenant.slug, email, "wrong password!").status_code == 401
        assert_throttled(sign_in(one, tenant.slug, email, PASSWORD), at_most=900)
        assert_throttled(sign_in(two, tenant.slug, email, PASSWORD), at_most=900)
