"""JSON Web Tokens: signing in, and every way a presented token must be refused."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import asyncpg
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from kernel_samples import memos
from nexus.testing import (
    create_test_client,
    make_platform_key,
    make_tenant,
    run_sync,
    temporary_database,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from litestar.testing import TestClient
    from nexus.testing import TestTenant

ISSUER = "nexus"
AUDIENCE = "nexus-api"
ROUTES = ["/api/v1/me", "/api/v1/memos"]
_DROP = object()


@dataclass(frozen=True)
class World:
    url: str
    client: TestClient[Any]
    a: TestTenant
    b: TestTenant
    kid: str
    private_pem: str
    public_pem: str

    def claims(self, **changes: Any) -> dict[str, Any]:
        """Valid claims for tenant A's admin key, with ``changes`` (``_DROP`` removes one)."""
        now = int(time.time())
        claims = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": str(key_id(self.a.key)),
            "tid": str(self.a.id),
            "roles": ["tenant_admin"],
            "nexus_cred": "api_key",
            "iat": now,
            "nbf": now,
            "exp": now + 300,
        }
        claims.update(changes)
        return {name: value for name, value in claims.items() if value is not _DROP}

    def sign(self, claims: dict[str, Any], *, key: Any = None, kid: Any = None) -> str:
        """Sign ``claims`` with RS256, by default with the stored key and its kid."""
        headers = {} if kid is _DROP else {"kid": kid or self.kid}
        return jwt.encode(claims, key or self.private_pem, algorithm="RS256", headers=headers)

    def token_for(self, tenant: TestTenant) -> str:
        response = self.client.post(
            "/api/v1/auth/token", json={"grant_type": "api_key", "api_key": tenant.key}
        )
        assert response.status_code == 200, response.text
        return response.json()["access_token"]


def key_id(key: str) -> uuid.UUID:
    """The id of a tenant API key (``nxk_<tenant>_<key id>_<secret>``)."""
    return uuid.UUID(hex=key.split("_")[2])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segment(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":")).encode())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[World]:
    with (
        temporary_database(nexus_postgres_server) as url,
        create_test_client([memos], database_url=url) as client,
    ):

        async def signing_key() -> asyncpg.Record:
            conn = await asyncpg.connect(url)
            try:
                return await conn.fetchrow(
                    "select kid, private_pem, public_pem from nexus_signing_key "
                    "where retired_at is null"
                )
            finally:
                await conn.close()

        key = run_sync(signing_key())
        yield World(
            url=url,
            client=client,
            a=make_tenant(url),
            b=make_tenant(url),
            kid=key["kid"],
            private_pem=key["private_pem"],
            public_pem=key["public_pem"],
        )


def _alg_none(world: World) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": world.kid}
    return f"{_segment(header)}.{_segment(world.claims())}."


def _hs256_with_public_key(world: World) -> str:
    # The classic confusion attack: HMAC keyed with the public PEM the server verifies with.
    header = {"alg": "HS256", "typ": "JWT", "kid": world.kid}
    signing_input = f"{_segment(header)}.{_segment(world.claims())}"
    mac = hmac.new(world.public_pem.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64(mac)}"


def _foreign_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _tampered_signature(world: World) -> str:
    token = world.sign(world.claims())
    head, payload, signature = token.split(".")
    middle = len(signature) // 2
    flipped = "A" if signature[middle] != "A" else "B"
    return f"{head}.{payload}.{signature[:middle]}{flipped}{signature[middle + 1 :]}"


def _tampered_payload(world: World) -> str:
    head, _, signature = world.sign(world.claims()).split(".")
    return f"{head}.{_segment(world.claims(tid=str(world.b.id)))}.{signature}"


def _expired(world: World) -> str:
    now = int(time.time())
    return world.sign(world.claims(iat=now - 3600, nbf=now - 3600, exp=now - 60))


REFUSED: dict[str, Callable[[World], str]] = {
    "alg-none": _alg_none,
    "hs256-signed-with-the-public-key": _hs256_with_public_key,
    "expired": _expired,
    "no-exp": lambda w: w.sign(w.claims(exp=_DROP)),
    "nbf-in-the-future": lambda w: w.sign(w.claims(nbf=int(time.time()) + 3600)),
    "iat-in-the-future": lambda w: w.sign(w.claims(iat=int(time.time()) + 3600)),
    "exp-not-a-number": lambda w: w.sign(w.claims(exp="tomorrow")),
    "wrong-aud": lambda w: w.sign(w.claims(aud="someone-else")),
    "no-aud": lambda w: w.sign(w.claims(aud=_DROP)),
    "wrong-iss": lambda w: w.sign(w.claims(iss="https://evil.example")),
    "no-iss": lambda w: w.sign(w.claims(iss=_DROP)),
    "no-iat": lambda w: w.sign(w.claims(iat=_DROP)),
    "no-sub": lambda w: w.sign(w.claims(sub=_DROP)),
    "sub-not-an-id": lambda w: w.sign(w.claims(sub="ada")),
    "unknown-kid": lambda w: w.sign(w.claims(), key=_foreign_key(), kid="0123456789abcdef"),
    "no-kid": lambda w: w.sign(w.claims(), kid=_DROP),
    "foreign-key-with-the-known-kid": lambda w: w.sign(w.claims(), key=_foreign_key()),
    "tampered-signature": _tampered_signature,
    "tampered-payload": _tampered_payload,
    "missing-tid": lambda w: w.sign(w.claims(tid=_DROP)),
    "null-tid-without-platform-role": lambda w: w.sign(w.claims(tid=None)),
    "unknown-tenant": lambda w: w.sign(w.claims(tid=str(uuid.uuid4()))),
    "platform-role-inside-a-tenant": lambda w: w.sign(w.claims(roles=["platform_admin"])),
    "not-a-jwt": lambda w: "not.a.jwt",
    # Signed with the real key, but the credential behind it does not vouch for it.
    "no-credential-claim": lambda w: w.sign(w.claims(nexus_cred=_DROP)),
    "unknown-credential-kind": lambda w: w.sign(w.claims(nexus_cred="robot")),
    "unknown-credential": lambda w: w.sign(w.claims(sub=str(uuid.uuid4()))),
    "credential-of-another-kind": lambda w: w.sign(w.claims(nexus_cred="user")),
    "credential-of-another-tenant": lambda w: w.sign(w.claims(sub=str(key_id(w.b.key)))),
    "roles-the-credential-does-not-hold": lambda w: w.sign(w.claims(roles=["member"])),
    "platform-credential-inside-a-tenant": lambda w: w.sign(w.claims(nexus_cred="platform_key")),
}


def assert_unauthorized(response: Any) -> None:
    assert response.status_code == 401, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.headers["www-authenticate"] == "Bearer"
    assert response.json()["type"] == "/problems/unauthorized"


def test_hand_signed_valid_token_is_accepted(world):
    """The control for the refusals below: the same builder, nothing wrong, is let in."""
    claims = world.claims()
    response = world.client.get("/api/v1/me", headers=bearer(world.sign(claims)))
    assert response.status_code == 200, response.text
    assert response.json()["subject"] == claims["sub"]
    assert world.client.get("/api/v1/memos", headers=bearer(world.sign(claims))).status_code == 200


@pytest.mark.parametrize("route", ROUTES)
@pytest.mark.parametrize("case", sorted(REFUSED))
def test_invalid_token_is_refused_with_401_problem(world, case, route):
    response = world.client.get(route, headers=bearer(REFUSED[case](world)))
    assert_unauthorized(response)


def test_api_key_exchanges_for_an_rs256_token_with_every_required_claim(world):
    response = world.client.post(
        "/api/v1/auth/token", json={"grant_type": "api_key", "api_key": world.a.key}
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["token_type"], body["expires_in"]) == ("Bearer", 900)
    token = body["access_token"]
    assert jwt.get_unverified_header(token) == {"alg": "RS256", "typ": "JWT", "kid": world.kid}
    claims = jwt.decode(token, world.public_pem, algorithms=["RS256"], audience=AUDIENCE)
    assert {"iss", "aud", "sub", "exp", "iat", "nbf", "tid", "roles"} <= set(claims)
    assert (claims["iss"], claims["tid"], claims["roles"]) == (
        ISSUER,
        str(world.a.id),
        ["tenant_admin"],
    )
    me = world.client.get("/api/v1/me", headers=bearer(token))
    assert me.status_code == 200
    assert me.json()["tenant_id"] == str(world.a.id)


def test_password_sign_in_gives_a_member_token_for_that_user(world):
    email = f"ada-{uuid.uuid4().hex[:8]}@example.com"
    created = world.client.post(
        "/api/v1/users",
        json={"email": email, "name": "Ada", "password": "correct horse battery"},
        headers=world.a.headers,
    )
    assert created.status_code == 201, created.text

    response = world.client.post(
        "/api/v1/auth/token",
        json={
            "grant_type": "password",
            "tenant": world.a.slug,
            "email": email.upper(),
            "password": "correct horse battery",
        },
    )

    assert response.status_code == 200, response.text
    headers = bearer(response.json()["access_token"])
    me = world.client.get("/api/v1/me", headers=headers).json()
    assert (me["kind"], me["subject"], me["tenant_id"], me["roles"]) == (
        "user",
        created.json()["id"],
        str(world.a.id),
        ["member"],
    )
    memo = world.client.post("/api/v1/memos", json={"title": "mine"}, headers=headers)
    assert memo.status_code == 201, "members hold memos.memos:write"
    assert world.client.get("/api/v1/users", headers=headers).status_code == 403


@pytest.mark.parametrize(
    "request_body",
    [
        pytest.param({"password": "wrong password!"}, id="wrong-password"),
        pytest.param({"email": "nobody@example.com"}, id="unknown-email"),
        pytest.param({"tenant": "no-such-tenant"}, id="unknown-tenant"),
    ],
)
def test_password_sign_in_with_bad_credentials_is_401(world, request_body):
    email = f"bob-{uuid.uuid4().hex[:8]}@example.com"
    world.client.post(
        "/api/v1/users",
        json={"email": email, "name": "Bob", "password": "correct horse battery"},
        headers=world.a.headers,
    )
    body = {
        "grant_type": "password",
        "tenant": world.a.slug,
        "email": email,
        "password": "correct horse battery",
        **request_body,
    }
    response = world.client.post("/api/v1/auth/token", json=body)
    assert_unauthorized(response)


def test_revoked_api_key_cannot_be_exchanged(world):
    tenant = make_tenant(world.url)
    (key,) = world.client.get("/api/v1/api-keys", headers=tenant.headers).json()["items"]
    world.client.delete(f"/api/v1/api-keys/{key['id']}", headers=tenant.headers)
    response = world.client.post(
        "/api/v1/auth/token", json={"grant_type": "api_key", "api_key": tenant.key}
    )
    assert_unauthorized(response)


def test_token_keeps_the_scopes_of_the_api_key_it_was_exchanged_for(world):
    tenant = make_tenant(world.url, scopes=("nexus.users:admin",))
    assert world.client.get("/api/v1/users", headers=tenant.headers).status_code == 200
    denied = world.client.post("/api/v1/memos", json={"title": "t"}, headers=tenant.headers)
    assert denied.status_code == 403

    headers = bearer(world.token_for(tenant))

    assert world.client.get("/api/v1/users", headers=headers).status_code == 200
    assert world.client.get("/api/v1/me", headers=headers).json()["scopes"] == ["nexus.users:admin"]
    escalated = world.client.post("/api/v1/memos", json={"title": "t"}, headers=headers)
    assert escalated.status_code == 403, "a token must not outgrow the key it came from"


def test_platform_key_exchanges_for_a_platform_token(world):
    platform = make_platform_key(world.url)
    response = world.client.post(
        "/api/v1/auth/token", json={"grant_type": "api_key", "api_key": platform}
    )
    assert response.status_code == 200
    headers = bearer(response.json()["access_token"])

    me = world.client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200, me.text
    assert (me.json()["tenant_id"], me.json()["roles"]) == (None, ["platform_admin"])
    assert world.client.get("/api/v1/tenants", headers=headers).status_code == 200
    acting = world.client.get("/api/v1/memos", headers={"X-Nexus-Tenant": world.a.slug, **headers})
    assert acting.status_code == 200


def test_tenant_token_naming_another_tenant_is_403(world):
    token = world.token_for(world.a)
    for tenant in (str(world.b.id), world.b.slug):
        response = world.client.get(
            "/api/v1/memos", headers={"X-Nexus-Tenant": tenant, **bearer(token)}
        )
        assert response.status_code == 403
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"] == "/problems/forbidden"


def test_tenant_token_gets_404_for_another_tenants_user(world):
    theirs = world.client.post(
        "/api/v1/users",
        json={"email": f"eve-{uuid.uuid4().hex[:8]}@example.com", "name": "Eve"},
        headers=world.b.headers,
    )
    assert theirs.status_code == 201
    headers = bearer(world.token_for(world.a))

    shown = world.client.get(f"/api/v1/users/{theirs.json()['id']}", headers=headers)
    changed = world.client.patch(
        f"/api/v1/users/{theirs.json()['id']}", json={"disabled": True}, headers=headers
    )

    assert (shown.status_code, changed.status_code) == (404, 404)
    assert shown.json()["type"] == "/problems/not-found"
    assert (
        world.client.get(f"/api/v1/users/{theirs.json()['id']}", headers=world.b.headers).json()[
            "disabled"
        ]
        is False
    )


def test_signing_key_kid_is_derived_from_its_public_key(world):
    public = serialization.load_pem_public_key(world.public_pem.encode())
    pem = public.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    assert world.kid == hashlib.sha256(pem).hexdigest()[:16]


def _basic(user: str, password: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {encoded}"}


def test_basic_credentials_carry_the_token_as_the_password(world):
    """Desktop WebDAV clients speak only Basic: the password is the API key, the user unread."""
    client, a = world.client, world.a

    me = client.get("/api/v1/me", headers=_basic("anyone", a.key))

    assert me.status_code == 200, me.text
    assert me.json()["tenant_id"] == str(a.id)
    for refused in (
        _basic("anyone", "nx_not-a-key"),
        _basic(a.key, ""),  # the key as the user name is not read
        {"Authorization": "Basic !!not-base64!!"},
    ):
        assert_unauthorized(client.get("/api/v1/me", headers=refused))
