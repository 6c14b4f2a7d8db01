"""SCIM 2.0 at /api/v1/scim/v2: scim2-tester's checks, and deprovisioning stopping tokens.

The app runs on loopback (``idaas_world``); the identity provider's bearer token is a tenant
API key scoped to ``nexus.scim:provision``.
"""

from __future__ import annotations

import time
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import httpx2
import pytest
from idaas_world import FERNET_KEY, PASSWORD, serve
from nexus.testing import make_platform_key, make_tenant, migrated_database, outbox_events
from scim2_client.engines.httpx2 import SyncSCIMClient
from scim2_tester import Status, check_server

if TYPE_CHECKING:
    from collections.abc import Iterator

SCIM = "/api/v1/scim/v2"
TTL_S = 0.5


@pytest.fixture(scope="module")
def served(nexus_postgres_server: str) -> Iterator[tuple[str, str]]:
    patch = pytest.MonkeyPatch()
    patch.setenv("NEXUS_IDAAS_KEYS", FERNET_KEY)
    with migrated_database(nexus_postgres_server) as url:
        for base_url in serve(url, auth_cache_ttl_s=TTL_S):
            yield base_url, url
    patch.undo()


def _scim_tenant(served: tuple[str, str], **kwargs: Any) -> tuple[Any, httpx.Client]:
    base_url, database_url = served
    tenant = make_tenant(database_url, scopes=("nexus.scim:provision",), **kwargs)
    client = httpx.Client(base_url=base_url + SCIM, headers=tenant.headers, timeout=30)
    return tenant, client


def test_scim2_tester_passes_against_the_endpoint(served):
    base_url, _ = served
    tenant, _ = _scim_tenant(served)
    http = httpx2.Client(base_url=base_url + SCIM, headers=tenant.headers, timeout=30)
    results = check_server(SyncSCIMClient(http), raise_exceptions=False)
    failed = [
        f"{r.title} [{r.resource_type}]: {r.reason}"
        for r in results
        if r.status in (Status.ERROR, Status.CRITICAL)
    ]
    assert results and not failed, "\n".join(failed)


def test_a_key_without_the_scim_scope_is_refused(served):
    base_url, database_url = served
    member = make_tenant(database_url, role="member")
    assert httpx.get(f"{base_url}{SCIM}/Users", headers=member.headers).status_code == 403
    assert httpx.get(f"{base_url}{SCIM}/Users").status_code == 401


def _user(email: str, **more: Any) -> dict[str, Any]:
    return {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"],
        "userName": email,
        "displayName": "Grace Hopper",
        "emails": [{"value": email, "primary": True}],
        "active": True,
    } | more


@pytest.mark.parametrize("how", ["patch-active-false", "delete"])
def test_deprovisioning_stops_the_users_token_within_the_cache_ttl(served, how):
    base_url, _ = served
    tenant, scim = _scim_tenant(served)
    email = f"grace-{uuid.uuid4().hex[:6]}@example.com"
    created = scim.post("/Users", json=_user(email, password=PASSWORD))
    assert created.status_code == 201, created.text
    user_id = created.json()["id"]
    assert scim.get("/Users/" + user_id).json()["userName"] == email
    api = httpx.Client(base_url=base_url, timeout=30)
    slug = tenant.slug  # the provisioned user signs in to the SCIM key's tenant
    signed = api.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": slug, "email": email, "password": PASSWORD},
    )
    assert signed.status_code == 200, signed.text
    bearer = {"Authorization": f"Bearer {signed.json()['access_token']}"}
    assert api.get("/api/v1/me", headers=bearer).status_code == 200
    if how == "delete":
        gone = scim.delete(f"/Users/{user_id}")
        assert gone.status_code == 204, gone.text
        assert scim.get(f"/Users/{user_id}").status_code == 404
    else:
        body = {
            "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
            "Operations": [{"op": "replace", "path": "active", "value": False}],
        }
        patched = scim.patch(f"/Users/{user_id}", json=body)
        assert patched.status_code in (200, 204), patched.text
        assert scim.get(f"/Users/{user_id}").json()["active"] is False
    deadline = time.monotonic() + TTL_S + 2
    while api.get("/api/v1/me", headers=bearer).status_code == 200:
        assert time.monotonic() < deadline, "the deprovisioned user's token still works"
        time.sleep(0.05)
    assert api.get("/api/v1/me", headers=bearer).status_code == 401
    again = api.post(
        "/api/v1/auth/token",
        json={"grant_type": "password", "tenant": slug, "email": email, "password": PASSWORD},
    )
    assert again.status_code == 401
    # Both announced through the outbox, as SCIM's: created, then disabled once.
    for event_type in ("nexus.user.created.v1", "nexus.user.disabled.v1"):
        [event] = outbox_events(served[1], tenant, event_type)
        assert event.data == {"user_id": user_id, "email": email, "via": "scim"}


def test_groups_are_roles_and_membership_is_the_users_roles(served):
    base_url, _ = served
    tenant, scim = _scim_tenant(served)
    email = f"ada-{uuid.uuid4().hex[:6]}@example.com"
    user_id = scim.post("/Users", json=_user(email)).json()["id"]
    group = {
        "schemas": ["urn:ietf:params:scim:schemas:core:2.0:Group"],
        "displayName": "Warehouse Staff",
        "members": [{"value": user_id}],
    }
    created = scim.post("/Groups", json=group)
    assert created.status_code == 201, created.text
    group_id = created.json()["id"]
    assert [m["value"] for m in created.json()["members"]] == [user_id]
    # The group is a role of the tenant, held by its member.
    admin = make_tenant(served[1])  # another tenant's admin sees none of it
    roles = httpx.get(f"{base_url}/api/v1/roles", headers=admin.headers).json()["items"]
    assert all(r["id"] != group_id for r in roles)
    found = scim.get("/Users", params={"filter": f'userName eq "{email}"'}).json()
    assert found["totalResults"] == 1
    assert [g["value"] for g in found["Resources"][0]["groups"]] == [group_id]
    assert scim.post("/Groups", json=group).status_code == 409  # the name is taken
    # Removing the member takes the role away.
    body = {
        "schemas": ["urn:ietf:params:scim:api:messages:2.0:PatchOp"],
        "Operations": [{"op": "remove", "path": f'members[value eq "{user_id}"]'}],
    }
    assert scim.patch(f"/Groups/{group_id}", json=body).status_code in (200, 204)
    assert "groups" not in scim.get(f"/Users/{user_id}").json()
    assert scim.delete(f"/Groups/{group_id}").status_code == 204
    assert scim.get(f"/Groups/{group_id}").status_code == 404


def test_another_tenants_users_answer_404(served):
    _, ours = _scim_tenant(served)
    _, theirs = _scim_tenant(served)
    email = f"eve-{uuid.uuid4().hex[:6]}@example.com"
    user_id = ours.post("/Users", json=_user(email)).json()["id"]
    assert theirs.get(f"/Users/{user_id}").status_code == 404
    assert theirs.delete(f"/Users/{user_id}").status_code == 404
    listed = theirs.get("/Users", params={"filter": f'userName eq "{email}"'}).json()
    assert listed["totalResults"] == 0
    assert ours.get(f"/Users/{user_id}").json()["active"] is True


def test_a_taken_user_name_answers_409(served):
    _, scim = _scim_tenant(served)
    email = f"dup-{uuid.uuid4().hex[:6]}@example.com"
    assert scim.post("/Users", json=_user(email)).status_code == 201
    again = scim.post("/Users", json=_user(email.upper()))
    assert again.status_code == 409 and again.json()["scimType"] == "uniqueness"


@pytest.mark.parametrize(
    ("method", "path", "kwargs", "status"),
    [
        (
            "POST",
            "/Users",
            {"content": b"{not json", "headers": {"content-type": "application/scim+json"}},
            400,
        ),
        ("GET", "/Users", {"params": {"filter": "userName eq"}}, 400),
        ("GET", "/Users/not-a-uuid", {}, 404),
        ("GET", "/Nothing", {}, 404),
        ("GET", "/\u00b1\U000a1253-W\u00a4", {}, 404),
        ("PATCH", "/Users/00000000-0000-0000-0000-000000000000", {"json": {"Operations": []}}, 400),
        (
            "POST",
            "/Users",
            {"json": {"schemas": ["urn:ietf:params:scim:schemas:core:2.0:User"]}},
            400,
        ),
    ],
    ids=[
        "bad-json",
        "bad-filter",
        "bad-id",
        "unknown-endpoint",
        "odd-path",
        "bad-patch",
        "no-user-name",
    ],
)
def test_bad_scim_requests_answer_scim_errors(served, method, path, kwargs, status):
    _, scim = _scim_tenant(served)
    answer = scim.request(method, path, **kwargs)
    assert answer.status_code == status, answer.text
    assert answer.json()["schemas"] == ["urn:ietf:params:scim:api:messages:2.0:Error"]


def test_a_user_beyond_the_plans_seats_is_refused_with_a_scim_403(served):
    base_url, database_url = served
    tenant, scim = _scim_tenant(served)
    platform = {"Authorization": f"Bearer {make_platform_key(database_url)}"}
    moved = httpx.patch(
        f"{base_url}/api/v1/tenants/{tenant.id}", json={"plan": "starter"}, headers=platform
    )
    assert moved.status_code == 200, moved.text
    domain = f"seats-{uuid.uuid4().hex[:6]}.example"
    for n in range(3):  # the starter plan's three seats
        assert scim.post("/Users", json=_user(f"u{n}@{domain}")).status_code == 201
    refused = scim.post("/Users", json=_user(f"u3@{domain}"))
    assert refused.status_code == 403
    assert refused.json()["detail"] == "the plan 'starter' allows 3 users; the tenant has 3"
    # A user provisioned inactive takes no seat.
    assert scim.post("/Users", json=_user(f"u4@{domain}", active=False)).status_code == 201
