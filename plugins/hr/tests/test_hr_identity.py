"""Access follows employment: the kernel's identity consumes HR's employee events."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_hr
import pytest
from hr_support import API, call, hire
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_tenant,
    set_plugin_settings,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="module")
def client(hr_db: str) -> Iterator[Any]:
    # No remembered credentials: a disabled user's next request is checked at once.
    settings = kernel_settings(hr_db, auth_cache_ttl_s=0)
    with create_test_client([nexus_hr], database_url=hr_db, settings=settings) as test_client:
        yield test_client


def _sign_in(client, tenant, email):
    return client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "tenant": tenant.slug,
            "email": email,
            "password": PASSWORD,
        },
    )


def test_terminating_an_employee_disables_their_user(client, hr_db):
    tenant = make_tenant(
        hr_db, users=({"email": "ada@example.com", "name": "Ada", "password": PASSWORD},)
    )
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    [user] = [u for u in users if u["email"] == "ada@example.com"]
    signed_in = _sign_in(client, tenant, "ada@example.com")
    assert signed_in.status_code == 200, signed_in.text
    token = {"Authorization": f"Bearer {signed_in.json()['access_token']}"}
    with EventWorkerHarness(client) as worker:
        ada = hire(client, tenant, user_id=user["id"], work_email="ada@example.com")
        assert client.get("/api/v1/me", headers=token).status_code == 200
        call(client, tenant, "POST", f"/employees/{ada['id']}/terminate", 200, json={})
        worker.wait_handled("identity", 2)
    assert client.get("/api/v1/me", headers=token).status_code == 401
    assert client.get(f"{API}/org-chart", headers=token).status_code == 401
    assert _sign_in(client, tenant, "ada@example.com").status_code == 401
    shown = client.get(f"/api/v1/users/{user['id']}", headers=tenant.headers).json()
    assert shown["disabled"] is True


def test_an_admins_own_api_keys_are_revoked_with_their_access(client, hr_db):
    tenant = make_tenant(
        hr_db,
        users=(
            {
                "email": "cy@example.com",
                "name": "Cy",
                "password": PASSWORD,
                "roles": ["tenant_admin"],
            },
        ),
    )
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    [user] = [u for u in users if u["email"] == "cy@example.com"]
    signed_in = _sign_in(client, tenant, "cy@example.com").json()
    token = {"Authorization": f"Bearer {signed_in['access_token']}"}
    made = client.post("/api/v1/api-keys", json={"name": "Cy's script"}, headers=token)
    assert made.status_code == 201, made.text
    own_key = {"Authorization": f"Bearer {made.json()['key']}"}
    assert client.get("/api/v1/me", headers=own_key).status_code == 200
    with EventWorkerHarness(client) as worker:
        cy = hire(client, tenant, name="Cy", user_id=user["id"], work_email="cy@example.com")
        call(client, tenant, "POST", f"/employees/{cy['id']}/terminate", 200, json={})
        worker.wait_handled("identity", 2)
    assert client.get("/api/v1/me", headers=own_key).status_code == 401
    # The tenant's own admin key (no user made it) keeps working.
    assert client.get("/api/v1/me", headers=tenant.headers).status_code == 200


def test_users_stay_enabled_when_the_tenant_turns_it_off(client, hr_db):
    tenant = make_tenant(
        hr_db, users=({"email": "bob@example.com", "name": "Bob", "password": PASSWORD},)
    )
    set_plugin_settings(hr_db, tenant, "hr", {"disable_users_on_termination": False})
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    [user] = [u for u in users if u["email"] == "bob@example.com"]
    with EventWorkerHarness(client) as worker:
        bob = hire(client, tenant, name="Bob", user_id=user["id"])
        call(client, tenant, "POST", f"/employees/{bob['id']}/terminate", 200, json={})
        worker.wait_handled("identity", 2)
    assert _sign_in(client, tenant, "bob@example.com").status_code == 200


def test_create_users_makes_and_links_a_member_user(client, hr_db):
    tenant = make_tenant(hr_db)
    set_plugin_settings(hr_db, tenant, "hr", {"create_users": True})
    with EventWorkerHarness(client) as worker:
        grace = hire(client, tenant, name="Grace Hopper", work_email="grace@example.com")
        worker.wait_handled("identity", 1)
        worker.wait_handled("hr", 1)
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    [user] = [u for u in users if u["email"] == "grace@example.com"]
    assert user["roles"] == ["member"]
    linked = call(client, tenant, "GET", f"/employees/{grace['id']}", 200)
    assert linked["user_id"] == user["id"]
