"""The platform and tenant admin APIs: tenants, roles, API keys and users."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from kernel_samples import memos
from nexus.testing import (
    create_test_client,
    make_platform_key,
    make_tenant,
    run_sync,
    temporary_database,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar.testing import TestClient


@dataclass(frozen=True)
class World:
    url: str
    client: TestClient[Any]
    platform: dict[str, str]


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[World]:
    with (
        temporary_database(nexus_postgres_server) as url,
        create_test_client([memos], database_url=url) as client,
    ):
        key = make_platform_key(url)
        yield World(url=url, client=client, platform={"Authorization": f"Bearer {key}"})


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: Any, status: int, problem_type: str) -> None:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["type"] == problem_type


def token(world: World, api_key: str) -> str:
    response = world.client.post(
        "/api/v1/auth/token", json={"grant_type": "api_key", "api_key": api_key}
    )
    assert response.status_code == 200, response.text
    return response.json()["access_token"]


def new_email(name: str = "ada") -> str:
    return f"{name}-{uuid.uuid4().hex[:8]}@example.com"


# Tenants, for platform admins


def test_platform_admin_pages_through_tenants_with_a_cursor(world):
    marker = uuid.uuid4().hex[:6]
    made = [make_tenant(world.url, slug=f"page-{marker}-{n}").id for n in range(5)]

    seen, cursor, pages = [], None, 0
    while True:
        params = {"limit": 2, "q": f"page-{marker}"} | ({"cursor": cursor} if cursor else {})
        page = world.client.get("/api/v1/tenants", params=params, headers=world.platform)
        assert page.status_code == 200, page.text
        body = page.json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        pages += 1
        cursor = body["next_cursor"]
        if cursor is None:
            break

    assert seen == [str(tenant_id) for tenant_id in made], "oldest first, each once"
    assert pages == 3


@pytest.mark.parametrize(
    ("params", "status"),
    [
        pytest.param({"limit": 200}, 200, id="limit-200"),
        pytest.param({"limit": 201}, 422, id="limit-201"),
        pytest.param({"limit": 0}, 422, id="limit-0"),
        pytest.param({"cursor": "not a cursor"}, 422, id="bad-cursor"),
        pytest.param({"status": "sleeping"}, 422, id="unknown-status"),
    ],
)
def test_tenant_list_limits_and_parameters(world, params, status):
    response = world.client.get("/api/v1/tenants", params=params, headers=world.platform)
    assert response.status_code == status, response.text
    if status == 422:
        assert_problem(response, 422, "/problems/validation-error")


def test_tenant_list_filters_by_status(world):
    suspended = make_tenant(world.url)
    world.client.post(f"/api/v1/tenants/{suspended.id}/suspend", headers=world.platform)
    listed = world.client.get(
        "/api/v1/tenants", params={"status": "suspended", "limit": 200}, headers=world.platform
    ).json()["items"]
    assert str(suspended.id) in {tenant["id"] for tenant in listed}
    assert {tenant["status"] for tenant in listed} == {"suspended"}


def test_platform_admin_shows_and_changes_a_tenant(world):
    tenant = make_tenant(world.url)
    url = f"/api/v1/tenants/{tenant.id}"

    shown = world.client.get(url, headers=world.platform)
    changed = world.client.patch(
        url, json={"name": "Acme Ltd", "plan": "dedicated"}, headers=world.platform
    )

    assert (shown.status_code, shown.json()["slug"], shown.json()["status"]) == (
        200,
        tenant.slug,
        "active",
    )
    assert changed.status_code == 200
    assert (changed.json()["name"], changed.json()["plan"]) == ("Acme Ltd", "dedicated")
    assert world.client.get(url, headers=world.platform).json()["name"] == "Acme Ltd"


def test_tenant_status_cannot_be_patched(world):
    tenant = make_tenant(world.url)
    response = world.client.patch(
        f"/api/v1/tenants/{tenant.id}", json={"status": "suspended"}, headers=world.platform
    )
    assert 400 <= response.status_code < 500
    assert world.client.get("/api/v1/me", headers=tenant.headers).status_code == 200


@pytest.mark.parametrize("action", ["GET", "PATCH", "POST suspend", "POST resume"])
def test_unknown_tenant_is_404(world, action):
    method, _, verb = action.partition(" ")
    url = f"/api/v1/tenants/{uuid.uuid4()}" + (f"/{verb}" if verb else "")
    body = {"name": "x"} if method == "PATCH" else None
    response = world.client.request(method, url, json=body, headers=world.platform)
    assert_problem(response, 404, "/problems/not-found")


def test_suspended_tenant_credentials_get_403_until_it_is_resumed(world):
    tenant = make_tenant(world.url)
    jwt = bearer(token(world, tenant.key))
    assert world.client.get("/api/v1/memos", headers=tenant.headers).status_code == 200

    suspended = world.client.post(f"/api/v1/tenants/{tenant.id}/suspend", headers=world.platform)
    assert (suspended.status_code, suspended.json()["status"]) == (200, "suspended")
    for headers in (tenant.headers, jwt):
        for route in ("/api/v1/memos", "/api/v1/me"):
            assert_problem(
                world.client.get(route, headers=headers), 403, "/problems/tenant-suspended"
            )
    assert world.client.post(
        "/api/v1/auth/token", json={"grant_type": "api_key", "api_key": tenant.key}
    ).status_code in (401, 403)

    resumed = world.client.post(f"/api/v1/tenants/{tenant.id}/resume", headers=world.platform)
    assert (resumed.status_code, resumed.json()["status"]) == (200, "active")
    for headers in (tenant.headers, jwt):
        assert world.client.get("/api/v1/memos", headers=headers).status_code == 200


def test_platform_key_needs_a_named_tenant_on_tenant_routes(world):
    tenant = make_tenant(world.url)
    memo = world.client.post("/api/v1/memos", json={"title": "theirs"}, headers=tenant.headers)

    for route in ("/api/v1/memos", "/api/v1/users", "/api/v1/api-keys"):
        assert_problem(
            world.client.get(route, headers=world.platform), 403, "/problems/tenant-required"
        )
    for name in (str(tenant.id), tenant.slug):
        named = {"X-Nexus-Tenant": name, **world.platform}
        listed = world.client.get("/api/v1/memos", headers=named)
        assert listed.status_code == 200
        assert [m["id"] for m in listed.json()] == [memo.json()["id"]]
        assert world.client.get("/api/v1/users", headers=named).status_code == 200
    unknown = {"X-Nexus-Tenant": "no-such-tenant", **world.platform}
    assert_problem(world.client.get("/api/v1/memos", headers=unknown), 404, "/problems/not-found")


# Roles


@pytest.mark.parametrize(
    "route",
    ["/api/v1/users", "/api/v1/api-keys", "/api/v1/tenants", f"/api/v1/tenants/{uuid.uuid4()}"],
    # Fixed ids: every pytest-xdist worker must collect the same tests.
    ids=["users", "api-keys", "tenants", "a-tenant"],
)
def test_member_is_forbidden_admin_routes(world, route):
    member = make_tenant(world.url, role="member")
    assert_problem(world.client.get(route, headers=member.headers), 403, "/problems/forbidden")


def test_member_cannot_create_users_or_keys(world):
    member = make_tenant(world.url, role="member")
    users = world.client.post(
        "/api/v1/users", json={"email": new_email(), "name": "Ada"}, headers=member.headers
    )
    keys = world.client.post("/api/v1/api-keys", json={"name": "mine"}, headers=member.headers)
    assert (users.status_code, keys.status_code) == (403, 403)


def test_member_holds_the_permissions_plugins_grant_to_members(world):
    member = make_tenant(world.url, role="member")
    created = world.client.post("/api/v1/memos", json={"title": "t"}, headers=member.headers)
    assert created.status_code == 201


def test_key_scopes_narrow_what_its_role_allows(world):
    scoped = make_tenant(world.url, scopes=("memos.memos:write",))
    assert (
        world.client.post("/api/v1/memos", json={"title": "t"}, headers=scoped.headers).status_code
        == 201
    )
    assert_problem(
        world.client.get("/api/v1/users", headers=scoped.headers), 403, "/problems/forbidden"
    )


@pytest.mark.parametrize("method", ["GET", "POST suspend"])
def test_tenant_admin_is_forbidden_platform_routes(world, method):
    admin = make_tenant(world.url)
    verb, _, action = method.partition(" ")
    url = "/api/v1/tenants" if verb == "GET" else f"/api/v1/tenants/{admin.id}/{action}"
    assert_problem(
        world.client.request(verb, url, headers=admin.headers), 403, "/problems/forbidden"
    )
    assert world.client.get("/api/v1/me", headers=admin.headers).status_code == 200


# API keys


def test_api_key_secret_is_shown_once_and_never_listed(world):
    admin = make_tenant(world.url)

    created = world.client.post(
        "/api/v1/api-keys", json={"name": "ci", "roles": ["member"]}, headers=admin.headers
    )

    assert created.status_code == 201, created.text
    key, api_key = created.json()["key"], created.json()["api_key"]
    assert key.startswith(f"nxk_{admin.id.hex}_")
    assert (api_key["name"], api_key["roles"], api_key["revoked_at"]) == ("ci", ["member"], None)
    assert world.client.get("/api/v1/me", headers=bearer(key)).json()["roles"] == ["member"]
    listed = world.client.get("/api/v1/api-keys", headers=admin.headers)
    assert api_key["id"] in {item["id"] for item in listed.json()["items"]}
    secret = key.rsplit("_", 1)[1]
    assert secret not in listed.text
    assert all("key" not in item and "secret_hash" not in item for item in listed.json()["items"])


def test_scoped_key_cannot_create_a_key_with_wider_scopes(world):
    scoped = make_tenant(world.url, scopes=("nexus.api_keys:admin", "memos.memos:write"))

    wider = world.client.post(
        "/api/v1/api-keys", json={"name": "everything", "scopes": ["*"]}, headers=scoped.headers
    )
    narrower = world.client.post(
        "/api/v1/api-keys",
        json={"name": "memos", "scopes": ["memos.memos:write"]},
        headers=scoped.headers,
    )

    assert_problem(wider, 403, "/problems/forbidden")
    assert narrower.status_code == 201, narrower.text


def test_revoked_api_key_answers_401_at_once(world):
    admin = make_tenant(world.url)
    # memos is a 0.1.0-contract sample: its routes' implied permissions are tenant admins'.
    body = {"name": "ci", "roles": ["tenant_admin"]}
    created = world.client.post("/api/v1/api-keys", json=body, headers=admin.headers)
    key, key_id = created.json()["key"], created.json()["api_key"]["id"]
    assert world.client.get("/api/v1/memos", headers=bearer(key)).status_code == 200

    revoked = world.client.delete(f"/api/v1/api-keys/{key_id}", headers=admin.headers)

    assert revoked.status_code == 204
    assert_problem(
        world.client.get("/api/v1/memos", headers=bearer(key)), 401, "/problems/unauthorized"
    )
    listed = world.client.get("/api/v1/api-keys", headers=admin.headers).json()["items"]
    assert next(item for item in listed if item["id"] == key_id)["revoked_at"] is not None
    assert world.client.get("/api/v1/memos", headers=admin.headers).status_code == 200


def test_revoking_another_tenants_key_is_404_and_leaves_it_working(world):
    ours, theirs = make_tenant(world.url), make_tenant(world.url)
    (their_key,) = world.client.get("/api/v1/api-keys", headers=theirs.headers).json()["items"]

    response = world.client.delete(f"/api/v1/api-keys/{their_key['id']}", headers=ours.headers)

    assert_problem(response, 404, "/problems/not-found")
    assert world.client.get("/api/v1/memos", headers=theirs.headers).status_code == 200


def test_api_key_with_another_tenants_id_spliced_in_answers_401(world):
    ours, theirs = make_tenant(world.url), make_tenant(world.url)
    prefix, _, key_id, secret = ours.key.split("_", 3)
    spliced = f"{prefix}_{theirs.id.hex}_{key_id}_{secret}"

    response = world.client.get("/api/v1/memos", headers=bearer(spliced))

    assert_problem(response, 401, "/problems/unauthorized")


def test_expired_api_key_answers_401(world):
    admin = make_tenant(world.url)
    later = (datetime.now(UTC) + timedelta(minutes=1)).isoformat()
    created = world.client.post(
        "/api/v1/api-keys", json={"name": "old", "expires_at": later}, headers=admin.headers
    )
    assert created.status_code == 201
    # A key cannot be created expired (422): age this one where it is stored.
    run_sync(_age_key(world.url, created.json()["api_key"]["id"]))
    response = world.client.get("/api/v1/memos", headers=bearer(created.json()["key"]))
    assert_problem(response, 401, "/problems/unauthorized")


async def _age_key(url: str, key_id: str) -> None:
    conn = await asyncpg.connect(url)
    try:
        await conn.execute(
            "update nexus_api_key set expires_at = now() - interval '1 minute' where id = $1",
            uuid.UUID(key_id),
        )
    finally:
        await conn.close()


def test_api_key_last_used_at_is_set_when_it_is_used(world):
    admin = make_tenant(world.url)
    created = world.client.post("/api/v1/api-keys", json={"name": "ci"}, headers=admin.headers)
    key_id = created.json()["api_key"]["id"]
    assert created.json()["api_key"]["last_used_at"] is None

    world.client.get("/api/v1/memos", headers=bearer(created.json()["key"]))

    listed = world.client.get("/api/v1/api-keys", headers=admin.headers).json()["items"]
    assert next(item for item in listed if item["id"] == key_id)["last_used_at"] is not None


# Users


def test_user_email_is_unique_per_tenant_ignoring_case(world):
    first, second = make_tenant(world.url), make_tenant(world.url)
    email = new_email()

    created = world.client.post(
        "/api/v1/users", json={"email": email, "name": "Ada"}, headers=first.headers
    )
    again = world.client.post(
        "/api/v1/users", json={"email": email.upper(), "name": "Ada"}, headers=first.headers
    )
    elsewhere = world.client.post(
        "/api/v1/users", json={"email": email, "name": "Ada"}, headers=second.headers
    )

    assert created.status_code == 201
    assert_problem(again, 409, "/problems/conflict")
    assert elsewhere.status_code == 201
    assert created.json()["id"] != elsewhere.json()["id"]


def test_disabled_user_cannot_sign_in_until_enabled(world):
    admin = make_tenant(world.url)
    email, password = new_email(), "correct horse battery"
    user = world.client.post(
        "/api/v1/users",
        json={"email": email, "name": "Ada", "password": password},
        headers=admin.headers,
    ).json()
    sign_in = {"grant_type": "password", "tenant": admin.slug, "email": email, "password": password}
    assert world.client.post("/api/v1/auth/token", json=sign_in).status_code == 200

    disabled = world.client.patch(
        f"/api/v1/users/{user['id']}", json={"disabled": True}, headers=admin.headers
    )

    assert disabled.json()["disabled"] is True
    assert_problem(
        world.client.post("/api/v1/auth/token", json=sign_in), 401, "/problems/unauthorized"
    )
    world.client.patch(
        f"/api/v1/users/{user['id']}", json={"disabled": False}, headers=admin.headers
    )
    assert world.client.post("/api/v1/auth/token", json=sign_in).status_code == 200


def test_user_without_a_password_cannot_sign_in(world):
    admin = make_tenant(world.url)
    email = new_email()
    world.client.post("/api/v1/users", json={"email": email, "name": "Ada"}, headers=admin.headers)
    response = world.client.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": admin.slug, "email": email, "password": "x" * 12},
    )
    assert_problem(response, 401, "/problems/unauthorized")


def test_users_are_listed_with_a_cursor_and_never_show_password_hashes(world):
    admin = make_tenant(world.url)
    for n in range(3):
        world.client.post(
            "/api/v1/users",
            json={
                "email": new_email(f"u{n}"),
                "name": f"U{n}",
                "password": "correct horse battery",
            },
            headers=admin.headers,
        )
    first = world.client.get("/api/v1/users", params={"limit": 2}, headers=admin.headers).json()
    rest = world.client.get(
        "/api/v1/users", params={"limit": 2, "cursor": first["next_cursor"]}, headers=admin.headers
    ).json()
    assert len(first["items"]) == 2 and first["next_cursor"]
    assert len(rest["items"]) == 1 and rest["next_cursor"] is None
    assert all("password" not in field for item in first["items"] for field in item)
