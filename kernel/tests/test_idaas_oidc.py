"""Nexus as a tenant's OpenID Connect provider: Authlib's own client against the issuer.

The app runs on loopback (``idaas_world``); a tenant admin registers a client app through
``/api/v1/oidc/clients``; Authlib's ``AsyncOAuth2Client`` runs the code flow with PKCE,
reads the user's claims at the userinfo endpoint, refreshes, and is refused when it should.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client, OAuthError
from idaas_world import FERNET_KEY, PASSWORD, REDIRECT, serve, sign_in_and_allow
from joserfc import jwt
from joserfc.jwk import KeySet
from nexus.testing import make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

SCOPE = "openid profile email"


@pytest.fixture(scope="module")
def served(nexus_postgres_server: str) -> Iterator[tuple[str, str]]:
    """The app on loopback and its database URL."""
    patch = pytest.MonkeyPatch()
    patch.setenv("NEXUS_IDAAS_KEYS", FERNET_KEY)
    with migrated_database(nexus_postgres_server) as url:
        for base_url in serve(url, auth_cache_ttl_s=0.5):
            yield base_url, url
    patch.undo()


class World:
    """A tenant with a user, a registered client app and a browser."""

    def __init__(self, base_url: str, database_url: str, **client: Any) -> None:
        self.email = f"ada-{uuid.uuid4().hex[:6]}@example.com"
        user = {"email": self.email, "name": "Ada Lovelace", "password": PASSWORD}
        self.tenant = make_tenant(database_url, users=(user,))
        self.issuer = f"{base_url}/api/v1/oidc/{self.tenant.slug}"
        self.api = httpx.Client(base_url=base_url, headers=self.tenant.headers, timeout=30)
        body = {"name": "Wiki", "redirect_uris": [REDIRECT]} | client
        created = self.api.post("/api/v1/oidc/clients", json=body)
        assert created.status_code == 201, created.text
        self.client_id = created.json()["client"]["client_id"]
        self.client_secret = created.json()["client_secret"]
        self.browser = httpx.Client(timeout=30)

    def oauth(self, **kwargs: Any) -> AsyncOAuth2Client:
        options = {"scope": SCOPE, "redirect_uri": REDIRECT, "code_challenge_method": "S256"}
        return AsyncOAuth2Client(self.client_id, self.client_secret, **(options | kwargs))

    async def code_flow(self, oauth: AsyncOAuth2Client) -> dict[str, Any]:
        verifier = generate_token(48)
        url, _ = oauth.create_authorization_url(
            f"{self.issuer}/authorize", code_verifier=verifier, nonce=generate_token(16)
        )
        answer = sign_in_and_allow(self.browser, url, email=self.email)
        assert answer.status_code == 302, answer.text
        location = answer.headers["location"]
        assert location.startswith(REDIRECT + "?")
        return dict(
            await oauth.fetch_token(
                f"{self.issuer}/token", authorization_response=location, code_verifier=verifier
            )
        )


@pytest.fixture
def world(served: tuple[str, str]) -> Any:
    return lambda **client: World(*served, **client)


def test_discovery_names_the_tenants_endpoints(world):
    w = world()
    found = httpx.get(f"{w.issuer}/.well-known/openid-configuration")
    assert found.status_code == 200
    meta = found.json()
    assert meta["issuer"] == w.issuer
    assert meta["token_endpoint"] == f"{w.issuer}/token"
    assert meta["code_challenge_methods_supported"] == ["S256"]
    keys = httpx.get(meta["jwks_uri"]).json()["keys"]
    assert len(keys) == 1 and keys[0]["kty"] == "RSA" and "d" not in keys[0]


def test_authlib_client_completes_code_with_pkce_and_reads_userinfo(world):
    w = world()

    async def flow() -> tuple[dict[str, Any], dict[str, Any]]:
        async with w.oauth() as oauth:
            token = await w.code_flow(oauth)
            claims = (await oauth.get(f"{w.issuer}/userinfo")).json()
            return token, claims

    token, claims = asyncio.run(flow())
    assert token["token_type"].lower() == "bearer" and token["refresh_token"]
    assert claims["email"] == w.email and claims["name"] == "Ada Lovelace"
    keys = KeySet.import_key_set(httpx.get(f"{w.issuer}/jwks").json())
    id_token = jwt.decode(token["id_token"], keys, algorithms=["RS256"])
    assert id_token.claims["iss"] == w.issuer
    assert id_token.claims["aud"] == [w.client_id]
    assert id_token.claims["sub"] == claims["sub"]


def _token_call(w: World, **form: str) -> httpx.Response:
    return httpx.post(f"{w.issuer}/token", data=form, auth=(w.client_id, w.client_secret))


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_family(world):
    w = world()

    async def flow() -> dict[str, Any]:
        async with w.oauth() as oauth:
            return await w.code_flow(oauth)

    first = asyncio.run(flow())
    second = _token_call(w, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert second.status_code == 200, second.text
    rotated = second.json()
    assert rotated["refresh_token"] != first["refresh_token"]
    info = httpx.get(
        f"{w.issuer}/userinfo", headers={"Authorization": f"Bearer {rotated['access_token']}"}
    )
    assert info.status_code == 200
    # The first refresh token again: reuse. Refused, and the rotated tokens stop too.
    reused = _token_call(w, grant_type="refresh_token", refresh_token=first["refresh_token"])
    assert reused.status_code == 400 and reused.json()["error"] == "invalid_grant"
    again = _token_call(w, grant_type="refresh_token", refresh_token=rotated["refresh_token"])
    assert again.status_code == 400
    info = httpx.get(
        f"{w.issuer}/userinfo", headers={"Authorization": f"Bearer {rotated['access_token']}"}
    )
    assert info.status_code == 401


def test_client_credentials_gives_a_token_without_a_user(world):
    w = world(grant_types=["client_credentials"], redirect_uris=[])

    async def flow() -> dict[str, Any]:
        async with AsyncOAuth2Client(w.client_id, w.client_secret, scope="openid roles") as oauth:
            return dict(
                await oauth.fetch_token(f"{w.issuer}/token", grant_type="client_credentials")
            )

    token = asyncio.run(flow())
    assert token["access_token"] and "refresh_token" not in token and "id_token" not in token
    info = httpx.get(
        f"{w.issuer}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert info.status_code == 401  # no user behind it
    wrong = httpx.post(
        f"{w.issuer}/token", data={"grant_type": "client_credentials"}, auth=(w.client_id, "nope")
    )
    assert wrong.status_code == 401 and wrong.json()["error"] == "invalid_client"


def test_a_redirect_uri_must_match_exactly_and_is_never_followed_otherwise(world):
    w = world()
    for near in (
        REDIRECT + "/",
        REDIRECT + "?x=1",
        REDIRECT.upper(),
        "https://evil.example/callback",
    ):
        oauth = w.oauth(redirect_uri=near)
        url, _ = oauth.create_authorization_url(
            f"{w.issuer}/authorize", code_verifier=generate_token(48)
        )
        page = w.browser.get(url)
        assert page.status_code == 400, near
        assert "location" not in page.headers
        assert "redirect" in page.text.lower()


def test_pkce_is_required(world):
    w = world()
    oauth = w.oauth(code_challenge_method=None)
    url, state = oauth.create_authorization_url(f"{w.issuer}/authorize")
    answer = w.browser.get(url)
    assert answer.status_code == 302
    query = parse_qs(urlsplit(answer.headers["location"]).query)
    assert query["error"] == ["invalid_request"] and query["state"] == [state]
    assert "PKCE" in query["error_description"][0]


def test_a_wrong_code_verifier_is_refused(world):
    w = world()

    async def flow() -> None:
        async with w.oauth() as oauth:
            url, _ = oauth.create_authorization_url(
                f"{w.issuer}/authorize", code_verifier=generate_token(48)
            )
            location = sign_in_and_allow(w.browser, url, email=w.email).headers["location"]
            with pytest.raises(OAuthError, match="invalid_grant"):
                await oauth.fetch_token(
                    f"{w.issuer}/token",
                    authorization_response=location,
                    code_verifier=generate_token(48),
                )

    asyncio.run(flow())


def test_another_tenants_client_and_code_are_refused(world):
    ours, theirs = world(), world()
    # Their client at our issuer: unknown here.
    oauth = theirs.oauth()
    url, _ = oauth.create_authorization_url(
        f"{ours.issuer}/authorize", code_verifier=generate_token(48)
    )
    assert ours.browser.get(url).status_code == 400
    # A code of ours taken to their issuer (with their client's credentials): refused.
    verifier = generate_token(48)
    oauth = ours.oauth()
    url, _ = oauth.create_authorization_url(f"{ours.issuer}/authorize", code_verifier=verifier)
    location = sign_in_and_allow(ours.browser, url, email=ours.email).headers["location"]
    code = parse_qs(urlsplit(location).query)["code"][0]
    stolen = _token_call(
        theirs,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert stolen.status_code == 400 and stolen.json()["error"] == "invalid_grant"
    # Their admin cannot see our client either.
    client = ours.api.get("/api/v1/oidc/clients").json()["items"][0]
    assert theirs.api.get(f"/api/v1/oidc/clients/{client['id']}").status_code == 404
    # And the code still works, once, for its own client.
    mine = _token_call(
        ours,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert mine.status_code == 200, mine.text
    twice = _token_call(
        ours,
        grant_type="authorization_code",
        code=code,
        redirect_uri=REDIRECT,
        code_verifier=verifier,
    )
    assert twice.status_code == 400


def test_a_wrong_password_shows_the_page_again(world):
    w = world()
    url, _ = w.oauth().create_authorization_url(
        f"{w.issuer}/authorize", code_verifier=generate_token(48)
    )
    answer = sign_in_and_allow(w.browser, url, email=w.email, password="not the password")
    assert answer.status_code == 401
    assert "not right" in answer.text and 'name="password"' in answer.text


def test_consent_is_remembered_for_the_session_and_logout_ends_it(world):
    w = world()

    async def flow() -> dict[str, Any]:
        async with w.oauth() as oauth:
            return await w.code_flow(oauth)

    token = asyncio.run(flow())
    # Signed in and allowed before: the next request answers with a code at once.
    url, _ = w.oauth().create_authorization_url(
        f"{w.issuer}/authorize", code_verifier=generate_token(48)
    )
    again = w.browser.get(url)
    assert again.status_code == 302 and "code=" in again.headers["location"]
    # A wider request asks again (email was allowed, roles was not).
    url, _ = w.oauth(scope="openid roles").create_authorization_url(
        f"{w.issuer}/authorize", code_verifier=generate_token(48)
    )
    wider = w.browser.get(url)
    assert wider.status_code == 200 and "Signed in as" in wider.text
    # RP-initiated logout with the ID token: back to a registered URI, with the state.
    w.api.patch(
        f"/api/v1/oidc/clients/{w.api.get('/api/v1/oidc/clients').json()['items'][0]['id']}",
        json={"post_logout_redirect_uris": ["https://app.example/bye"]},
    ).raise_for_status()
    out = w.browser.get(
        f"{w.issuer}/logout",
        params={
            "id_token_hint": token["id_token"],
            "post_logout_redirect_uri": "https://app.example/bye",
            "state": "s1",
        },
    )
    assert out.status_code == 302 and out.headers["location"] == "https://app.example/bye?state=s1"
    url, _ = w.oauth().create_authorization_url(
        f"{w.issuer}/authorize", code_verifier=generate_token(48)
    )
    after = w.browser.get(url)
    assert after.status_code == 200 and 'name="password"' in after.text


def test_revoking_a_token_stops_it(world):
    w = world()

    async def flow() -> dict[str, Any]:
        async with w.oauth() as oauth:
            token = await w.code_flow(oauth)
            await oauth.revoke_token(f"{w.issuer}/revoke", token=token["refresh_token"])
            return token

    token = asyncio.run(flow())
    info = httpx.get(
        f"{w.issuer}/userinfo", headers={"Authorization": f"Bearer {token['access_token']}"}
    )
    assert info.status_code == 401
    refreshed = _token_call(w, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert refreshed.status_code == 400


def test_disabling_a_user_stops_their_tokens_at_once(world):
    w = world()

    async def flow() -> dict[str, Any]:
        async with w.oauth() as oauth:
            return await w.code_flow(oauth)

    token = asyncio.run(flow())
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    assert httpx.get(f"{w.issuer}/userinfo", headers=bearer).status_code == 200
    users = w.api.get("/api/v1/users").json()["items"]
    user = next(u for u in users if u["email"] == w.email)
    w.api.patch(f"/api/v1/users/{user['id']}", json={"disabled": True}).raise_for_status()
    assert httpx.get(f"{w.issuer}/userinfo", headers=bearer).status_code == 401
    refreshed = _token_call(w, grant_type="refresh_token", refresh_token=token["refresh_token"])
    assert refreshed.status_code == 400


def test_key_rotation_keeps_the_previous_key_in_the_jwks(world):
    w = world()

    async def flow() -> dict[str, Any]:
        async with w.oauth() as oauth:
            return await w.code_flow(oauth)

    before = asyncio.run(flow())
    rotated = w.api.post("/api/v1/oidc/keys/rotate")
    assert rotated.status_code == 200, rotated.text
    keys = httpx.get(f"{w.issuer}/jwks").json()
    assert [k["kid"] for k in keys["keys"]][0] == rotated.json()["kid"] and len(keys["keys"]) == 2
    key_set = KeySet.import_key_set(keys)
    jwt.decode(before["id_token"], key_set, algorithms=["RS256"])  # the old key still verifies
    w.browser.cookies.clear()
    after = asyncio.run(flow())
    assert (
        jwt.decode(after["id_token"], key_set, algorithms=["RS256"]).header["kid"]
        == rotated.json()["kid"]
    )


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "x", "redirect_uris": ["http://app.example/cb"]}, "redirect_uris"),
        ({"name": "x", "redirect_uris": ["https://app.example/cb#frag"]}, "redirect_uris"),
        ({"name": "x", "redirect_uris": []}, "redirect_uris"),
        (
            {"name": "x", "confidential": False, "grant_types": ["client_credentials"]},
            "grant_types",
        ),
        ({"name": "x", "redirect_uris": [REDIRECT], "scopes": ["admin"]}, "scopes"),
    ],
    ids=[
        "http-not-loopback",
        "fragment",
        "code-without-uri",
        "public-client-credentials",
        "unknown-scope",
    ],
)
def test_registering_a_bad_client_answers_422_naming_the_field(world, body, field):
    w = world()
    refused = w.api.post("/api/v1/oidc/clients", json=body)
    assert refused.status_code == 422, refused.text
    assert field in refused.text


def test_a_public_client_has_no_secret_and_uses_pkce(world):
    w = world(confidential=False, redirect_uris=["http://127.0.0.1:8765/cb"])
    assert w.client_secret is None

    async def flow() -> dict[str, Any]:
        oauth = AsyncOAuth2Client(
            w.client_id,
            scope=SCOPE,
            redirect_uri="http://127.0.0.1:8765/cb",
            code_challenge_method="S256",
            token_endpoint_auth_method="none",
        )
        async with oauth:
            verifier = generate_token(48)
            url, _ = oauth.create_authorization_url(f"{w.issuer}/authorize", code_verifier=verifier)
            location = sign_in_and_allow(w.browser, url, email=w.email).headers["location"]
            return dict(
                await oauth.fetch_token(
                    f"{w.issuer}/token", authorization_response=location, code_verifier=verifier
                )
            )

    token = asyncio.run(flow())
    assert token["id_token"] and token["refresh_token"]


def test_the_clients_api_needs_its_permission(served):
    base_url, database_url = served
    member = make_tenant(database_url, role="member")
    refused = httpx.get(f"{base_url}/api/v1/oidc/clients", headers=member.headers)
    assert refused.status_code == 403


@pytest.mark.parametrize(
    ("method", "path", "kwargs"),
    [
        ("GET", "/authorize", {}),
        ("GET", "/authorize", {"params": {"client_id": "nope", "response_type": "code"}}),
        ("POST", "/authorize", {"content": b"\xff\xfe=&&=", "headers": {"content-type": "x/y"}}),
        ("POST", "/token", {"json": {"grant_type": "authorization_code"}}),
        ("POST", "/token", {"data": {"grant_type": "password", "username": "a"}}),
        ("POST", "/revoke", {"data": {"token": "x"}}),
        ("GET", "/userinfo", {"headers": {"Authorization": "Bearer"}}),
        ("GET", "/userinfo", {"headers": {"Authorization": "Basic abc"}}),
        ("GET", "/logout", {"params": {"id_token_hint": "not.a.jwt"}}),
    ],
    ids=[
        "authorize-bare",
        "authorize-unknown-client",
        "authorize-garbage",
        "token-json",
        "token-unsupported-grant",
        "revoke-anonymous",
        "userinfo-empty-bearer",
        "userinfo-basic",
        "logout-bad-hint",
    ],
)
def test_odd_requests_get_a_client_error_never_a_500(world, method, path, kwargs):
    w = world()
    answer = httpx.request(method, w.issuer + path, timeout=30, **kwargs)
    assert 200 <= answer.status_code < 500, answer.text


def test_an_unknown_tenants_issuer_is_404(served):
    base_url, _ = served
    missing = httpx.get(f"{base_url}/api/v1/oidc/no-such-tenant/.well-known/openid-configuration")
    assert missing.status_code == 404
