"""Each sign-in is a session, listed and revocable by its user and by the tenant's admins."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from mfa_helpers import add_user, bearer, sign_in
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

SESSIONS = "/api/v1/auth/sessions"


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    settings = Settings(log_level="warning")
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _user_id(client: Any, tenant: Any, email: str) -> str:
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    return str(next(user["id"] for user in users if user["email"] == email))


def test_a_user_lists_their_sessions_and_signing_one_out_stops_its_token(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    first = sign_in(client, tenant, email)
    second = sign_in(client, tenant, email)
    phone, laptop = bearer(first), {**bearer(second), "User-Agent": "laptop/1.0"}
    listed = client.get(SESSIONS, headers=laptop)
    assert listed.status_code == 200, listed.text
    sessions = listed.json()
    assert [s["id"] for s in sessions] == [second.json()["session_id"], first.json()["session_id"]]
    assert [s["current"] for s in sessions] == [True, False]
    assert {s["method"] for s in sessions} == {"password"}
    gone = client.delete(f"{SESSIONS}/{first.json()['session_id']}", headers=laptop)
    assert gone.status_code == 204
    assert client.get("/api/v1/me", headers=phone).status_code == 401
    assert client.get("/api/v1/me", headers=laptop).status_code == 200
    again = client.delete(f"{SESSIONS}/{first.json()['session_id']}", headers=laptop)
    assert again.status_code == 404
    assert client.delete(SESSIONS, headers=laptop).status_code == 204
    assert client.get("/api/v1/me", headers=laptop).status_code == 401


def test_revocation_reaches_another_process_within_the_cache_ttl(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    headers = bearer(sign_in(client, tenant, email))
    assert client.get("/api/v1/me", headers=headers).status_code == 200  # remembered now
    # Another process revokes it: this one has not forgotten, and keeps the token until its
    # memory of it ends (NEXUS_AUTH_CACHE_TTL_S), as with a revoked API key.
    with create_test_client(database_url=url, settings=Settings(log_level="warning")) as other:
        assert other.delete(SESSIONS, headers=headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    kernel_of(client.app).authenticator.forget()  # what the TTL's end does
    assert client.get("/api/v1/me", headers=headers).status_code == 401


def test_an_admin_lists_and_revokes_a_users_sessions_and_no_other_tenant_can(world):
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    email = add_user(client, tenant)
    signed = sign_in(client, tenant, email)
    headers = bearer(signed)
    user_id = _user_id(client, tenant, email)
    path = f"/api/v1/users/{user_id}/sessions"
    listed = client.get(path, headers=tenant.headers)
    assert [s["id"] for s in listed.json()] == [signed.json()["session_id"]]
    assert client.get(path, headers=other.headers).status_code == 404
    sid = signed.json()["session_id"]
    assert client.delete(f"{path}/{sid}", headers=other.headers).status_code == 404
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    member = client.post(
        "/api/v1/api-keys", json={"name": "m", "roles": ["member"]}, headers=tenant.headers
    ).json()["key"]
    assert client.get(path, headers={"Authorization": f"Bearer {member}"}).status_code == 403
    assert client.delete(f"{path}/{sid}", headers=tenant.headers).status_code == 204
    assert client.get("/api/v1/me", headers=headers).status_code == 401
    assert client.get(path, headers=tenant.headers).json() == []


def test_an_api_key_has_no_sessions(world):
    client, url = world
    tenant = make_tenant(url)
    assert client.get(SESSIONS, headers=tenant.headers).json() == []
    assert client.post("/api/v1/me/mfa/totp", headers=tenant.headers).status_code == 409
