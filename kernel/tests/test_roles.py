"""Roles a tenant defines (``/api/v1/roles``): a name for a set of plugin permissions, held
by users and keys beside or instead of ``member``, looked up at every credential check."""

from __future__ import annotations

from typing import Any

import pytest
from kernel_samples.others import plugin
from litestar import get, post
from nexus.testing import create_test_client, make_tenant
from nexus_hookspecs import Manifest, Permission

PASSWORD = "correct horse battery"
READ, WRITE = "stock.items:read", "stock.items:write"


@get("/items", opt={"permission": READ})
async def list_items() -> dict[str, Any]:
    return {"items": [], "next_cursor": None}


@post("/items", opt={"permission": WRITE}, status_code=200)
async def add_item() -> dict[str, Any]:
    return {}


STOCK = plugin(
    Manifest(
        name="stock",
        version="1.0.0",
        title="Stock",
        hookspecs=">=0.1,<0.2",
        permissions=(
            Permission(key=READ, roles=("tenant_admin", "member")),
            Permission(key=WRITE, roles=("tenant_admin",)),
        ),
    ),
    nexus_routes=lambda register: [register(handler) for handler in (list_items, add_item)],
)


@pytest.fixture
def world(nexus_database_url: str) -> Any:
    with create_test_client([STOCK], database_url=nexus_database_url) as client:
        yield client, nexus_database_url


def _user(client: Any, tenant: Any, email: str, roles: list[str]) -> Any:
    body = {"email": email, "name": email, "roles": roles, "password": PASSWORD}
    return client.post("/api/v1/users", json=body, headers=tenant.headers)


def _bearer(client: Any, tenant: Any, email: str) -> dict[str, str]:
    body = {"grant_type": "password", "tenant": tenant.slug, "email": email, "password": PASSWORD}
    answer = client.post("/api/v1/auth/token", json=body)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def _calls(client: Any, headers: dict[str, str]) -> tuple[int, int]:
    """What the holder gets from listing and adding items."""
    listed = client.get("/api/v1/stock/items", headers=headers).status_code
    added = client.post("/api/v1/stock/items", json={}, headers=headers).status_code
    return listed, added


def test_a_role_grants_its_permissions_and_only_them(world):
    client, url = world
    tenant = make_tenant(url)
    made = client.post(
        "/api/v1/roles",
        json={"name": "stocker", "description": "Adds items", "permissions": [WRITE]},
        headers=tenant.headers,
    )
    assert made.status_code == 201, made.text
    role = made.json()
    assert (role["name"], role["permissions"]) == ("stocker", [WRITE])

    assert _user(client, tenant, "s@x.example", ["stocker"]).status_code == 201
    assert _user(client, tenant, "ms@x.example", ["member", "stocker"]).status_code == 201
    assert _user(client, tenant, "m@x.example", ["member"]).status_code == 201
    stocker = _bearer(client, tenant, "s@x.example")
    # The role alone: what it grants, not what members get.
    assert _calls(client, stocker) == (403, 200)
    assert _calls(client, _bearer(client, tenant, "ms@x.example")) == (200, 200)
    assert _calls(client, _bearer(client, tenant, "m@x.example")) == (200, 403)

    # A key with the role does what the role grants.
    key = client.post(
        "/api/v1/api-keys", json={"name": "till", "roles": ["stocker"]}, headers=tenant.headers
    )
    assert key.status_code == 201, key.text
    assert _calls(client, {"Authorization": f"Bearer {key.json()['key']}"}) == (403, 200)

    # Changed, the role grants the new list at the holder's next request (same token).
    changed = client.patch(
        f"/api/v1/roles/{role['id']}", json={"permissions": [READ]}, headers=tenant.headers
    )
    assert changed.status_code == 200, changed.text
    assert _calls(client, stocker) == (200, 403)


def test_roles_refuse_what_they_cannot_be(world):
    client, url = world
    tenant = make_tenant(url)

    def create(body: dict[str, Any]) -> Any:
        return client.post("/api/v1/roles", json=body, headers=tenant.headers)

    # Only plugins' permissions: a kernel one would let a holder make itself an admin.
    for permission in ("nexus.users:admin", "stock.items:fly"):
        refused = create({"name": "boss", "permissions": [permission]})
        assert refused.status_code == 422, refused.text
        assert permission in refused.json()["detail"] + str(refused.json().get("errors"))
    for name in ("member", "tenant_admin", "platform_admin"):
        assert create({"name": name, "permissions": [READ]}).status_code == 409
    assert create({"name": "Bad Name", "permissions": []}).status_code == 422
    assert create({"name": "reader", "permissions": [READ]}).status_code == 201
    assert create({"name": "reader", "permissions": [WRITE]}).status_code == 409

    # Users and keys hold built-in roles and the tenant's own, nothing else.
    for roles in (["ghost"], ["platform_admin"]):
        refused = _user(client, tenant, "g@x.example", roles)
        assert refused.status_code == 422, refused.text
        assert "roles" in refused.text
    refused = client.post(
        "/api/v1/api-keys", json={"name": "k", "roles": ["ghost"]}, headers=tenant.headers
    )
    assert refused.status_code == 422
    assert client.get("/api/v1/users", headers=tenant.headers).json()["items"] == []


def test_a_held_role_is_not_deleted_and_another_tenant_never_sees_it(world):
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    role = client.post(
        "/api/v1/roles", json={"name": "reader", "permissions": [READ]}, headers=tenant.headers
    ).json()
    user = _user(client, tenant, "r@x.example", ["reader"]).json()
    path = f"/api/v1/roles/{role['id']}"

    # Another tenant: 404 on the role, none listed, and the name means nothing there.
    assert client.get(path, headers=other.headers).status_code == 404
    assert client.patch(path, json={"permissions": []}, headers=other.headers).status_code == 404
    assert client.delete(path, headers=other.headers).status_code == 404
    assert client.get("/api/v1/roles", headers=other.headers).json()["items"] == []
    assert _user(client, other, "r@y.example", ["reader"]).status_code == 422

    held = client.delete(path, headers=tenant.headers)
    assert held.status_code == 409
    assert "1 user(s)" in held.json()["detail"]
    client.patch(f"/api/v1/users/{user['id']}", json={"roles": ["member"]}, headers=tenant.headers)
    assert client.delete(path, headers=tenant.headers).status_code == 204
    assert client.get(path, headers=tenant.headers).status_code == 404

    # Members do not manage roles.
    _user(client, tenant, "m@x.example", ["member"])
    member = _bearer(client, tenant, "m@x.example")
    assert client.get("/api/v1/roles", headers=member).status_code == 403
