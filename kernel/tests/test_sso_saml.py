"""SAML 2.0 sign-on: a pysaml2 IdP signs an assertion, Nexus creates the user just in time."""

from __future__ import annotations

import shutil
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

import pytest
from mfa_helpers import bearer
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database
from sso_helpers import DnsZone, TestIdp

if TYPE_CHECKING:
    from collections.abc import Iterator

BASE = "https://nexus.example"
PASSWORD = "correct horse battery"

pytestmark = pytest.mark.skipif(
    shutil.which("xmlsec1") is None,
    reason="xmlsec1 is not installed (Debian's xmlsec1; .ci/run installs it)",
)


@pytest.fixture(scope="module")
def zone() -> Iterator[DnsZone]:
    zone = DnsZone()
    yield zone
    zone.close()


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str, zone: DnsZone) -> Iterator[tuple[Any, str]]:
    settings = Settings(log_level="warning", public_url=BASE, sso_resolver=f"127.0.0.1:{zone.port}")
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _verified_domain(client: Any, tenant: Any, zone: DnsZone, name: str) -> dict[str, Any]:
    added = client.post("/api/v1/sso/domains", json={"domain": name}, headers=tenant.headers)
    assert added.status_code == 201, added.text
    domain = added.json()
    path = f"/api/v1/sso/domains/{domain['id']}/verify"
    unpublished = client.post(path, headers=tenant.headers)
    assert unpublished.status_code == 409 and domain["record_name"] in unpublished.json()["detail"]
    zone.add_txt(domain["record_name"], domain["record_value"])
    verified = client.post(path, headers=tenant.headers)
    assert verified.status_code == 200, verified.text
    return dict(verified.json())


def _saml_provider(client: Any, tenant: Any, idp: TestIdp, **fields: Any) -> dict[str, Any]:
    created = client.post(
        "/api/v1/sso/providers",
        json={"name": "okta", "kind": "saml", "idp_metadata": idp.metadata(), **fields},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    return dict(created.json())


def _saml_sign_in(client: Any, tenant: Any, provider: dict[str, Any], idp: TestIdp, **who: Any):
    root = f"/api/v1/sso/{tenant.slug}/saml/{provider['id']}"
    metadata = client.get(f"{root}/metadata")
    assert metadata.status_code == 200 and "AssertionConsumerService" in metadata.text
    login = client.get(f"{root}/login", follow_redirects=False)
    assert login.status_code == 302, login.text
    form = idp.answer(metadata.text, login.headers["location"], **who)
    return client.post(f"{root}/acs", data=form, follow_redirects=False), form


def _ticket(answer: Any) -> str:
    assert answer.status_code == 303, answer.text
    location = answer.headers["location"]
    assert location.startswith(f"{BASE}/console/#/sso?ticket=")
    return parse_qs(location.split("?", 1)[1])["ticket"][0]


def test_a_signed_assertion_creates_the_user_just_in_time_with_the_mapped_role(
    world, zone, tmp_path
):
    client, url = world
    tenant = make_tenant(url)
    role = client.post(
        "/api/v1/roles",
        json={"name": "accountant", "permissions": []},
        headers=tenant.headers,
    )
    assert role.status_code == 201, role.text
    domain = f"acme-{uuid.uuid4().hex[:6]}.example"
    _verified_domain(client, tenant, zone, domain)
    idp = TestIdp(tmp_path)
    provider = _saml_provider(
        client, tenant, idp, role_mapping={"finance": ["accountant"]}, default_roles=["member"]
    )
    email = f"grace@{domain}"
    answer, form = _saml_sign_in(
        client,
        tenant,
        provider,
        idp,
        email=email,
        identity={"mail": [email], "displayName": ["Grace Hopper"], "groups": ["finance"]},
    )
    ticket = _ticket(answer)
    done = client.post("/api/v1/auth/sso/complete", json={"ticket": ticket})
    me = client.get("/api/v1/me", headers=bearer(done)).json()
    assert me["kind"] == "user" and me["roles"] == ["accountant"]
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    created = next(user for user in users if user["email"] == email)
    assert created["name"] == "Grace Hopper" and created["roles"] == ["accountant"]
    assert created["email_verified"] is False  # until the emailed link is followed
    sessions = client.get("/api/v1/auth/sessions", headers=bearer(done)).json()
    assert sessions[0]["method"] == "sso:saml"
    # The ticket and the response work once.
    again = client.post("/api/v1/auth/sso/complete", json={"ticket": ticket})
    assert again.status_code == 422
    replay = client.post(f"/api/v1/sso/{tenant.slug}/saml/{provider['id']}/acs", data=form)
    assert replay.status_code == 422


def test_an_assertion_signed_by_another_key_or_for_an_unverified_domain_is_refused(
    world, zone, tmp_path
):
    client, url = world
    tenant = make_tenant(url)
    domain = f"acme-{uuid.uuid4().hex[:6]}.example"
    _verified_domain(client, tenant, zone, domain)
    (tmp_path / "real").mkdir()
    (tmp_path / "forger").mkdir()
    idp, forger = TestIdp(tmp_path / "real"), TestIdp(tmp_path / "forger")
    provider = _saml_provider(client, tenant, idp)
    email = f"mallory@{domain}"
    forged, _form = _saml_sign_in(
        client, tenant, provider, forger, email=email, identity={"mail": [email]}
    )
    assert forged.status_code == 422, forged.text
    assert forged.json()["errors"][0]["key"] == "SAMLResponse"
    elsewhere = "eve@not-verified.example"
    refused, _form = _saml_sign_in(
        client, tenant, provider, idp, email=elsewhere, identity={"mail": [elsewhere]}
    )
    assert refused.status_code == 403, refused.text
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    assert {user["email"] for user in users}.isdisjoint({email, elsewhere})


def test_providers_and_domains_answer_problems_and_stay_in_their_tenant(world, zone, tmp_path):
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    missing = client.post(
        "/api/v1/sso/providers", json={"name": "x", "kind": "oidc"}, headers=tenant.headers
    )
    assert missing.status_code == 422 and missing.json()["errors"][0]["key"] == "issuer"
    bad = client.post(
        "/api/v1/sso/providers",
        json={"name": "x", "kind": "saml", "idp_metadata": "<nope/>"},
        headers=tenant.headers,
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["key"] == "idp_metadata"
    provider = _saml_provider(client, tenant, TestIdp(tmp_path))
    dup = client.post(
        "/api/v1/sso/providers",
        json={"name": "okta", "kind": "saml", "idp_metadata": TestIdp(tmp_path).metadata()},
        headers=tenant.headers,
    )
    assert dup.status_code == 409
    path = f"/api/v1/sso/providers/{provider['id']}"
    assert client.get(path, headers=other.headers).status_code == 404
    assert client.get(f"/api/v1/sso/{other.slug}/saml/{provider['id']}/login").status_code == 404
    domain = f"shared-{uuid.uuid4().hex[:6]}.example"
    first = _verified_domain(client, tenant, zone, domain)
    added = client.post("/api/v1/sso/domains", json={"domain": domain}, headers=other.headers)
    zone.add_txt(added.json()["record_name"], added.json()["record_value"])  # both publish
    claimed = client.post(f"/api/v1/sso/domains/{added.json()['id']}/verify", headers=other.headers)
    assert claimed.status_code == 409 and "another tenant" in claimed.json()["detail"]
    assert (
        client.delete(f"/api/v1/sso/domains/{first['id']}", headers=other.headers).status_code
        == 404
    )
    assert client.delete(path, headers=tenant.headers).status_code == 204


def test_an_sso_only_domain_refuses_password_sign_ins_with_a_clear_problem(world, zone):
    client, url = world
    tenant = make_tenant(url)
    domain = f"strict-{uuid.uuid4().hex[:6]}.example"
    email = f"ada@{domain}"
    created = client.post(
        "/api/v1/users",
        json={"email": email, "name": "Ada", "password": PASSWORD},
        headers=tenant.headers,
    )
    assert created.status_code == 201, created.text
    body = {"grant_type": "password", "tenant": tenant.slug, "email": email, "password": PASSWORD}
    assert client.post("/api/v1/auth/token", json=body).status_code == 200
    verified = _verified_domain(client, tenant, zone, domain)
    switched = client.patch(
        f"/api/v1/sso/domains/{verified['id']}", json={"sso_only": True}, headers=tenant.headers
    )
    assert switched.status_code == 200 and switched.json()["sso_only"] is True
    refused = client.post("/api/v1/auth/token", json=body)
    assert refused.status_code == 403
    assert refused.headers["content-type"] == "application/problem+json"
    assert "single sign-on" in refused.json()["detail"]
    wrong = client.post("/api/v1/auth/token", json={**body, "password": "not the password"})
    assert wrong.status_code == 401  # a wrong password still tells nothing more
