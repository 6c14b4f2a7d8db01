"""The provider's sign-in page asks a user with a second factor for it, then answers the app.

Authlib's client runs the code flow with PKCE against the kernel on loopback; the user's
authenticator app is pyotp, their passkey the software authenticator of the WebAuthn tests
(``mfa_helpers.SoftPasskey``), answering the options the page's button asks the identity
API for.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pyotp
import pytest
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from idaas_world import FERNET_KEY, PASSWORD, REDIRECT, form_action, hidden_fields, serve
from mfa_helpers import SoftPasskey
from nexus.testing import make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

SCOPE = "openid email"


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
    """A tenant, a user signed in to the API (to set up factors), a client app, a browser."""

    def __init__(self, base_url: str, database_url: str) -> None:
        self.base_url = base_url
        self.email = f"ada-{uuid.uuid4().hex[:6]}@example.com"
        user = {"email": self.email, "name": "Ada", "password": PASSWORD}
        self.tenant = make_tenant(database_url, users=(user,))
        self.issuer = f"{base_url}/api/v1/oidc/{self.tenant.slug}"
        self.api = httpx.Client(base_url=base_url, timeout=30)
        body = {"name": "Wiki", "redirect_uris": [REDIRECT]}
        created = self.api.post("/api/v1/oidc/clients", json=body, headers=self.tenant.headers)
        assert created.status_code == 201, created.text
        self.client_id = created.json()["client"]["client_id"]
        self.client_secret = created.json()["client_secret"]
        self.browser = httpx.Client(timeout=30)
        self.verifier = generate_token(48)

    def user_headers(self) -> dict[str, str]:
        """A bearer token of the user (before any second factor is set up)."""
        answer = self.api.post(
            "/api/v1/auth/token",
            json={
                "grant_type": "password",
                "tenant": self.tenant.slug,
                "email": self.email,
                "password": PASSWORD,
            },
        )
        assert answer.status_code == 200, answer.text
        return {"Authorization": f"Bearer {answer.json()['access_token']}"}

    def oauth(self) -> AsyncOAuth2Client:
        return AsyncOAuth2Client(
            self.client_id,
            self.client_secret,
            scope=SCOPE,
            redirect_uri=REDIRECT,
            code_challenge_method="S256",
        )

    def password_step(self, oauth: AsyncOAuth2Client) -> httpx.Response:
        """Open the authorization URL and sign in with the password; the page that follows."""
        url, _ = oauth.create_authorization_url(
            f"{self.issuer}/authorize", code_verifier=self.verifier, nonce=generate_token(16)
        )
        page = self.browser.get(url)
        assert page.status_code == 200, page.text
        form = hidden_fields(page.text) | {
            "email": self.email,
            "password": PASSWORD,
            "decision": "allow",
        }
        return self.browser.post(form_action(page.text), data=form)

    def second_factor(self, page: httpx.Response, **fields: str) -> httpx.Response:
        """Post the second-factor step's form with ``fields``."""
        form = hidden_fields(page.text) | {"decision": "allow"} | fields
        return self.browser.post(form_action(page.text), data=form)

    async def tokens(self, oauth: AsyncOAuth2Client, answer: httpx.Response) -> dict[str, Any]:
        """Redeem the code the provider redirected with; the userinfo claims."""
        assert answer.status_code == 302, answer.text
        await oauth.fetch_token(
            f"{self.issuer}/token",
            authorization_response=answer.headers["location"],
            code_verifier=self.verifier,
        )
        return dict((await oauth.get(f"{self.issuer}/userinfo")).json())


@pytest.fixture
def world(served: tuple[str, str]) -> World:
    return World(*served)


def _enrol_totp(w: World) -> tuple[pyotp.TOTP, list[str]]:
    headers = w.user_headers()
    started = w.api.post("/api/v1/me/mfa/totp", headers=headers)
    assert started.status_code == 200, started.text
    totp = pyotp.TOTP(started.json()["secret"])
    confirmed = w.api.post(
        "/api/v1/me/mfa/totp/confirm", json={"code": totp.now()}, headers=headers
    )
    assert confirmed.status_code == 200, confirmed.text
    return totp, confirmed.json()["recovery_codes"]


def test_a_totp_user_gets_the_second_factor_step_and_then_the_code(world):
    w = world
    totp, _codes = _enrol_totp(w)

    async def flow() -> dict[str, Any]:
        async with w.oauth() as oauth:
            step = w.password_step(oauth)
            assert step.status_code == 200, step.text
            assert "second factor" in step.text and 'name="code"' in step.text
            assert 'id="nexus-passkey"' not in step.text  # no passkey: no passkey button
            assert hidden_fields(step.text)["mfa_ticket"].startswith("nxm_")
            assert "frame-ancestors 'none'" in step.headers["content-security-policy"]
            wrong = w.second_factor(step, method="totp", code="000000")
            assert wrong.status_code == 401 and "did not work" in wrong.text
            assert "location" not in wrong.headers
            # The code of the next step: the current one was spent confirming the app.
            done = w.second_factor(wrong, method="totp", code=totp.at(time.time() + 30))
            return await w.tokens(oauth, done)

    assert asyncio.run(flow())["email"] == w.email


def test_a_recovery_code_passes_once_and_a_spent_ticket_starts_over(world):
    w = world
    _totp, codes = _enrol_totp(w)

    async def flow() -> None:
        async with w.oauth() as oauth:
            step = w.password_step(oauth)
            done = w.second_factor(step, method="recovery_code", code=codes[0])
            assert (await w.tokens(oauth, done))["email"] == w.email
            # The same page again, signed out: its ticket is spent, the password comes first.
            w.browser.cookies.clear()
            again = w.second_factor(step, method="recovery_code", code=codes[1])
            assert again.status_code == 422 and "sign in again" in again.text
            assert 'name="password"' in again.text

    asyncio.run(flow())

    # The first code worked once: a new sign-in refuses it.
    async def reuse() -> None:
        async with w.oauth() as oauth:
            step = w.password_step(oauth)
            used = w.second_factor(step, method="recovery_code", code=codes[0])
            assert used.status_code == 401

    w.browser.cookies.clear()
    asyncio.run(reuse())


def test_a_passkey_signs_in_through_the_identity_ceremony(world):
    w = world
    passkey = SoftPasskey(origin=w.base_url)
    headers = w.user_headers()
    offered = w.api.post("/api/v1/me/mfa/passkeys/options", headers=headers)
    assert offered.status_code == 200, offered.text
    added = w.api.post(
        "/api/v1/me/mfa/passkeys",
        json={
            "ticket": offered.json()["ticket"],
            "credential": passkey.create(offered.json()["options"]),
        },
        headers=headers,
    )
    assert added.status_code == 201, added.text

    async def flow() -> dict[str, Any]:
        async with w.oauth() as oauth:
            step = w.password_step(oauth)
            assert step.status_code == 200 and 'id="nexus-passkey"' in step.text
            options_url = f"{w.base_url}/api/v1/auth/mfa/webauthn/options"
            assert f'data-options="{options_url}"' in step.text
            ticket = hidden_fields(step.text)["mfa_ticket"]
            # What the page's script does: options for the ticket, the browser's assertion.
            options = httpx.post(options_url, json={"ticket": ticket})
            assert options.status_code == 200, options.text
            other = SoftPasskey(origin=w.base_url)  # not registered: refused
            other.credential_id = passkey.credential_id
            forged = w.second_factor(
                step, credential=json.dumps(other.get(options.json()["options"]))
            )
            assert forged.status_code == 401
            options = httpx.post(options_url, json={"ticket": ticket})
            credential = json.dumps(passkey.get(options.json()["options"]))
            return await w.tokens(oauth, w.second_factor(forged, credential=credential))

    assert asyncio.run(flow())["email"] == w.email


def test_a_user_the_policy_requires_to_enrol_is_sent_to_set_a_factor_up(world):
    w = world
    policy = w.api.put(
        "/api/v1/security/mfa-policy", json={"require_all": True}, headers=w.tenant.headers
    )
    assert policy.status_code == 200, policy.text

    async def flow() -> None:
        async with w.oauth() as oauth:
            refused = w.password_step(oauth)
            assert refused.status_code == 403 and "requires a second factor" in refused.text
            assert "location" not in refused.headers and "<script>" not in refused.text

    asyncio.run(flow())


def test_deny_on_the_second_factor_step_answers_the_app_access_denied(world):
    w = world
    _enrol_totp(w)

    async def flow() -> None:
        async with w.oauth() as oauth:
            step = w.password_step(oauth)
            denied = w.second_factor(step, decision="deny")
            assert denied.status_code == 302, denied.text
            location = denied.headers["location"]
            assert location.startswith(REDIRECT + "?") and "error=access_denied" in location
            assert "nexus_oidc" not in denied.cookies  # never signed in

    asyncio.run(flow())
