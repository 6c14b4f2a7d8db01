"""OIDC single sign-on: Authlib's client against a local provider (code, PKCE, ID token)."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest
from mfa_helpers import bearer
from nexus.settings import Settings
from nexus.testing import create_test_client, make_platform_key, make_tenant, migrated_database
from sso_helpers import DnsZone, FakeOidcProvider

if TYPE_CHECKING:
    from collections.abc import Iterator

BASE = "https://nexus.example"


@pytest.fixture(scope="module")
def zone() -> Iterator[DnsZone]:
    zone = DnsZone()
    yield zone
    zone.close()


@pytest.fixture(scope="module")
def idp() -> Iterator[FakeOidcProvider]:
    provider = FakeOidcProvider(client_id="nexus", client_secret="s3cret-value")
    yield provider
    provider.close()


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str, zone: DnsZone) -> Iterator[tuple[Any, str]]:
    settings = Settings(log_level="warning", public_url=BASE, sso_resolver=f"127.0.0.1:{zone.port}")
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _tenant_with_provider(client: Any, url: str, zone: DnsZone, idp: FakeOidcProvider, **kw: Any):
    tenant = make_tenant(url)
    domain = f"corp-{uuid.uuid4().hex[:6]}.example"
    added = client.post("/api/v1/sso/domains", json={"domain": domain}, headers=tenant.headers)
    zone.add_txt(added.json()["record_name"], added.json()["record_value"])
    verify = client.post(f"/api/v1/sso/domains/{added.json()['id']}/verify", headers=tenant.headers)
    assert verify.status_code == 200, verify.text
    created = client.post(
        "/api/v1/sso/providers",
        json={
            "name": "corp",
            "kind": "oidc",
            "issuer": idp.issuer,
            "client_id": idp.client_id,
            "client_secret": idp.client_secret,
            **kw,
        },
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    assert "client_secret" not in created.json()
    return tenant, domain, created.json()


def test_an_oidc_sign_in_creates_the_user_just_in_time_with_the_mapped_role(world, zone, idp):
    client, url = world
    tenant, domain, provider = _tenant_with_provider(
        client, url, zone, idp, role_mapping={"admins": ["tenant_admin"]}
    )
    root = f"/api/v1/sso/{tenant.slug}/oidc/{provider['id']}"
    login = client.get(f"{root}/login", follow_redirects=False)
    assert login.status_code == 302, login.text
    email = f"linus@{domain}"
    back = idp.authorize(
        login.headers["location"],
        {
            "sub": "u-1",
            "email": email,
            "email_verified": True,
            "name": "Linus",
            "groups": ["admins"],
        },
    )
    assert back.startswith(f"{BASE}{root}/callback?")
    callback = client.get(back.removeprefix(BASE), follow_redirects=False)
    assert callback.status_code == 303, callback.text
    ticket = parse_qs(callback.headers["location"].split("?", 1)[1])["ticket"][0]
    done = client.post("/api/v1/auth/sso/complete", json={"ticket": ticket})
    me = client.get("/api/v1/me", headers=bearer(done)).json()
    assert me["roles"] == ["tenant_admin"]
    again = client.get(back.removeprefix(BASE), follow_redirects=False)
    assert again.status_code == 422  # the state was used


def test_an_id_token_for_another_nonce_or_an_unverified_email_is_refused(world, zone, idp):
    client, url = world
    tenant, domain, provider = _tenant_with_provider(client, url, zone, idp)
    root = f"/api/v1/sso/{tenant.slug}/oidc/{provider['id']}"
    location = client.get(f"{root}/login", follow_redirects=False).headers["location"]
    forged = idp.authorize(location, {"sub": "u-2", "email": f"x@{domain}", "nonce": "other"})
    refused = client.get(forged.removeprefix(BASE), follow_redirects=False)
    assert refused.status_code == 422 and refused.json()["errors"][0]["key"] == "code"
    location = client.get(f"{root}/login", follow_redirects=False).headers["location"]
    unverified = idp.authorize(
        location, {"sub": "u-3", "email": f"y@{domain}", "email_verified": False}
    )
    assert client.get(unverified.removeprefix(BASE), follow_redirects=False).status_code == 422
    location = client.get(f"{root}/login", follow_redirects=False).headers["location"]
    outsider = idp.authorize(location, {"sub": "u-4", "email": "z@elsewhere.example"})
    assert client.get(outsider.removeprefix(BASE), follow_redirects=False).status_code == 403
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    assert users == []


def _sign_in_through(client: Any, idp: FakeOidcProvider, root: str, claims: dict[str, Any]) -> Any:
    login = client.get(f"{root}/login", follow_redirects=False)
    back = idp.authorize(login.headers["location"], claims)
    callback = client.get(back.removeprefix(BASE), follow_redirects=False)
    assert callback.status_code == 303, callback.text
    ticket = parse_qs(callback.headers["location"].split("?", 1)[1])["ticket"][0]
    return client.post("/api/v1/auth/sso/complete", json={"ticket": ticket})


def test_every_sign_in_maps_the_providers_roles_anew_and_keeps_manual_ones(world, zone, idp):
    client, url = world
    tenant, domain, provider = _tenant_with_provider(
        client, url, zone, idp, role_mapping={"admins": ["tenant_admin"], "sales": ["seller"]}
    )
    for role in ("seller", "auditor"):
        made = client.post(
            "/api/v1/roles", json={"name": role, "permissions": []}, headers=tenant.headers
        )
        assert made.status_code == 201, made.text
    root = f"/api/v1/sso/{tenant.slug}/oidc/{provider['id']}"
    claims = {"sub": "u-2", "email": f"grace@{domain}", "email_verified": True, "name": "Grace"}

    first = _sign_in_through(client, idp, root, claims | {"groups": ["admins"]})
    me = client.get("/api/v1/me", headers=bearer(first)).json()
    assert me["roles"] == ["tenant_admin"]
    # An admin gives a role by hand; the provider does not manage it.
    user = client.patch(
        f"/api/v1/users/{me['subject']}",
        json={"roles": ["tenant_admin", "auditor"]},
        headers=tenant.headers,
    )
    assert user.status_code == 200, user.text

    # Moved from admins to sales at the IdP: admin taken, seller given, auditor kept.
    second = _sign_in_through(client, idp, root, claims | {"groups": ["sales"]})
    assert client.get("/api/v1/me", headers=bearer(second)).json()["roles"] == [
        "auditor",
        "seller",
    ]
    # In no mapped group: the provider's default role instead of its mapped ones.
    third = _sign_in_through(client, idp, root, claims | {"groups": ["interns"]})
    assert client.get("/api/v1/me", headers=bearer(third)).json()["roles"] == [
        "auditor",
        "member",
    ]
    # An assertion without the claim says nothing about groups: the roles stay.
    fourth = _sign_in_through(client, idp, root, claims)
    assert client.get("/api/v1/me", headers=bearer(fourth)).json()["roles"] == [
        "auditor",
        "member",
    ]


def test_a_just_in_time_user_beyond_the_plans_seats_is_refused_naming_the_limit(world, zone, idp):
    client, url = world
    tenant, domain, provider = _tenant_with_provider(client, url, zone, idp)
    platform = {"Authorization": f"Bearer {make_platform_key(url)}"}
    moved = client.patch(f"/api/v1/tenants/{tenant.id}", json={"plan": "starter"}, headers=platform)
    assert moved.status_code == 200, moved.text
    for n in range(3):  # the starter plan's three seats
        user = {"email": f"u{n}@{domain}", "name": f"User {n}"}
        assert client.post("/api/v1/users", json=user, headers=tenant.headers).status_code == 201
    root = f"/api/v1/sso/{tenant.slug}/oidc/{provider['id']}"
    location = client.get(f"{root}/login", follow_redirects=False).headers["location"]
    back = idp.authorize(location, {"sub": "u-9", "email": f"new@{domain}", "email_verified": True})
    refused = client.get(back.removeprefix(BASE), follow_redirects=False)
    assert refused.status_code == 403
    problem = refused.json()
    assert problem["type"] == "/problems/plan-limit"
    assert (problem["plan"], problem["limit"], problem["allowed"], problem["used"]) == (
        "starter",
        "users",
        3,
        3,
    )
