"""A token never outlives the credential it came from (issue #16, item 1).

Two apps on one database stand for two processes: the change is made through one, and
the token, already verified and remembered, is used on the other, which must refuse it
within ``NEXUS_AUTH_CACHE_TTL_S`` (small here). Kernel routes only: Piccolo, which plugin
routes use, holds one engine per process, so two apps in one process cannot share it.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg
import jwt
import pytest
from nexus.identity import ApiKeyCreate, UserCreate, create_api_key, create_user
from nexus.settings import Settings
from nexus.testing import (
    create_test_client,
    make_platform_key,
    make_tenant,
    migrated_database,
    run_sync,
    tenant_transaction,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from litestar.testing import TestClient
    from nexus.testing import TestTenant

TTL_S = 0.5
# How long a change may take to reach the other process: the TTL, and slack for a busy box.
WITHIN_S = TTL_S + 5.0
PASSWORD = "correct horse battery"
ME = "/api/v1/me"


@dataclass(frozen=True)
class Apps:
    url: str
    one: TestClient[Any]
    two: TestClient[Any]


@pytest.fixture(scope="module")
def apps(nexus_postgres_server: str) -> Iterator[Apps]:
    settings = Settings(log_level="warning", auth_cache_ttl_s=TTL_S)
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as one,
        create_test_client(database_url=url, settings=settings) as two,
    ):
        yield Apps(url=url, one=one, two=two)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def eventually(check: Callable[[], bool], *, within: float = WITHIN_S) -> float:
    """Seconds until ``check()`` holds, asked again until ``within`` runs out."""
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > within:
            pytest.fail(f"not true within {within} s: {check.__doc__}")
        time.sleep(0.02)  # polling interval for the other app's memory to lapse, bounded above
    return time.monotonic() - start


def exchange(client: TestClient[Any], key: str) -> dict[str, Any]:
    response = client.post("/api/v1/auth/token", json={"grant_type": "api_key", "api_key": key})
    assert response.status_code == 200, response.text
    return dict(response.json())


def sign_in(client: TestClient[Any], tenant: TestTenant, email: str) -> str:
    response = client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "tenant": tenant.slug,
            "email": email,
            "password": PASSWORD,
        },
    )
    assert response.status_code == 200, response.text
    return str(response.json()["access_token"])


def new_key(apps: Apps, tenant: TestTenant, **fields: Any) -> dict[str, Any]:
    created = apps.one.post(
        "/api/v1/api-keys", json={"name": "k", **fields}, headers=tenant.headers
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def new_user(apps: Apps, tenant: TestTenant, *, roles: list[str]) -> tuple[str, str]:
    email = f"u-{uuid.uuid4().hex[:8]}@example.com"
    created = apps.one.post(
        "/api/v1/users",
        json={"email": email, "name": "U", "password": PASSWORD, "roles": roles},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    return email, created.json()["id"]


def test_a_revoked_keys_token_is_refused_everywhere_within_the_ttl(apps):
    tenant = make_tenant(apps.url)
    created = new_key(apps, tenant, roles=["member"])
    headers = bearer(exchange(apps.two, created["key"])["access_token"])
    assert apps.two.get(ME, headers=headers).status_code == 200  # remembered

    revoked = apps.one.delete(
        f"/api/v1/api-keys/{created['api_key']['id']}", headers=tenant.headers
    )
    assert revoked.status_code == 204

    # The revoking app forgets what it remembered at once.
    assert apps.one.get(ME, headers=headers).status_code == 401

    def refused_there() -> bool:
        """the other app refuses the key's token"""
        return apps.two.get(ME, headers=headers).status_code == 401

    eventually(refused_there)
    refusal = apps.two.get(ME, headers=headers)
    assert refusal.json()["type"] == "/problems/unauthorized"


def test_a_tokens_expiry_is_capped_at_its_keys(apps):
    tenant = make_tenant(apps.url)
    expires_at = datetime.now(UTC) + timedelta(seconds=90)
    created = new_key(apps, tenant, roles=["member"], expires_at=expires_at.isoformat())

    body = exchange(apps.one, created["key"])

    claims = jwt.decode(body["access_token"], options={"verify_signature": False})
    assert claims["exp"] <= expires_at.timestamp()
    assert 0 < body["expires_in"] <= 90
    assert claims["nexus_cred"] == "api_key"
    assert claims["sub"] == created["api_key"]["id"]


def test_a_disabled_users_tokens_are_refused_within_the_ttl(apps):
    tenant = make_tenant(apps.url)
    email, user_id = new_user(apps, tenant, roles=["member"])
    headers = bearer(sign_in(apps.two, tenant, email))
    assert apps.two.get(ME, headers=headers).status_code == 200

    disabled = apps.one.patch(
        f"/api/v1/users/{user_id}", json={"disabled": True}, headers=tenant.headers
    )
    assert disabled.status_code == 200, disabled.text

    def refused() -> bool:
        """the disabled user's token is refused"""
        return apps.two.get(ME, headers=headers).status_code == 401

    eventually(refused)


def test_a_key_of_a_disabled_user_and_its_tokens_are_refused(apps):
    tenant = make_tenant(apps.url)
    _, user_id = new_user(apps, tenant, roles=["tenant_admin"])

    async def users_key() -> str:
        async with tenant_transaction(apps.url, tenant) as conn:
            created = await create_api_key(
                conn,  # type: ignore[arg-type]
                tenant.id,
                ApiKeyCreate(name="mine", roles=["tenant_admin"]),
                user_id=uuid.UUID(user_id),
            )
        return created.key

    key = run_sync(users_key())
    headers = bearer(exchange(apps.two, key)["access_token"])
    assert apps.two.get("/api/v1/users", headers=headers).status_code == 200

    apps.one.patch(f"/api/v1/users/{user_id}", json={"disabled": True}, headers=tenant.headers)

    def refused() -> bool:
        """the token of the disabled user's key is refused"""
        return apps.two.get(ME, headers=headers).status_code == 401

    eventually(refused)
    assert apps.one.get(ME, headers=bearer(key)).status_code == 401
    again = apps.one.post("/api/v1/auth/token", json={"grant_type": "api_key", "api_key": key})
    assert again.status_code == 401


def test_a_demoted_admin_loses_admin_routes_within_the_ttl(apps):
    tenant = make_tenant(apps.url)
    email, user_id = new_user(apps, tenant, roles=["tenant_admin"])
    headers = bearer(sign_in(apps.two, tenant, email))
    assert apps.two.get("/api/v1/users", headers=headers).status_code == 200

    demoted = apps.one.patch(
        f"/api/v1/users/{user_id}", json={"roles": ["member"]}, headers=tenant.headers
    )
    assert demoted.status_code == 200, demoted.text

    def refused() -> bool:
        """the admin token of a demoted user no longer reaches admin routes"""
        return apps.two.get("/api/v1/users", headers=headers).status_code == 401

    eventually(refused)
    member = bearer(sign_in(apps.two, tenant, email))
    assert apps.two.get("/api/v1/users", headers=member).status_code == 403
    assert apps.two.get(ME, headers=member).status_code == 200


def test_a_suspended_tenants_tokens_are_refused_within_the_ttl(apps):
    tenant = make_tenant(apps.url)
    email, _ = new_user(apps, tenant, roles=["member"])
    user = bearer(sign_in(apps.two, tenant, email))
    key = bearer(exchange(apps.two, tenant.key)["access_token"])
    assert apps.two.get(ME, headers=user).status_code == 200
    assert apps.two.get(ME, headers=key).status_code == 200

    platform = bearer(make_platform_key(apps.url))
    suspended = apps.one.post(f"/api/v1/tenants/{tenant.id}/suspend", headers=platform)
    assert suspended.status_code == 200, suspended.text

    def refused() -> bool:
        """every token of the suspended tenant is refused"""
        return all(apps.two.get(ME, headers=headers).status_code == 403 for headers in (user, key))

    eventually(refused)
    response = apps.two.get(ME, headers=user)
    assert response.json()["type"] == "/problems/tenant-suspended"


def test_a_revoked_platform_keys_token_is_refused_within_the_ttl(apps):
    platform_key = make_platform_key(apps.url)
    headers = bearer(exchange(apps.two, platform_key)["access_token"])
    assert apps.two.get("/api/v1/tenants", headers=headers).status_code == 200
    key_id = uuid.UUID(hex=platform_key.split("_")[1])

    async def revoke() -> None:
        conn = await asyncpg.connect(apps.url)
        try:
            await conn.execute(
                "update nexus_platform_key set revoked_at = now() where id = $1", key_id
            )
        finally:
            await conn.close()

    run_sync(revoke())

    def refused() -> bool:
        """the revoked platform key's token is refused"""
        return apps.two.get("/api/v1/tenants", headers=headers).status_code == 401

    eventually(refused)


def test_a_token_is_not_exchanged_for_another(apps):
    tenant = make_tenant(apps.url)
    token = exchange(apps.one, tenant.key)["access_token"]
    again = apps.one.post("/api/v1/auth/token", json={"grant_type": "api_key", "api_key": token})
    assert again.status_code == 401


def test_a_user_created_with_a_password_signs_in_with_it(apps):
    # Control for the refusals above: the user path still works end to end.
    tenant = make_tenant(apps.url)

    async def user() -> str:
        email = f"c-{uuid.uuid4().hex[:8]}@example.com"
        async with tenant_transaction(apps.url, tenant) as conn:
            await create_user(
                conn,  # type: ignore[arg-type]
                tenant.id,
                UserCreate(email=email, name="C", password=PASSWORD),
            )
        return email

    headers = bearer(sign_in(apps.one, tenant, run_sync(user())))
    me = apps.one.get("/api/v1/me", headers=headers).json()
    assert (me["kind"], me["roles"]) == ("user", ["member"])
