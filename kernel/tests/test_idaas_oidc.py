"""Nexus as a tenant's OpenID Connect provider: Authlib's own client against the issuer.

The app runs on loopback (``idaas_world``); a tenant admin registers a client app through
``/api/v1/oidc/clients``; Authlib's ``AsyncOAuth2Client`` runs the code flow with PKCE,
reads the user's claims at the userinfo endpoint, refreshes, and is refused when it should.
"""

from __future__ import annotations

import asyncio
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
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
