"""``/mcp`` as an OAuth resource server, as the MCP authorization spec (2025-06-18) has it.

The app is served on loopback. Without a credential ``/mcp/<tenant>`` answers 401 with
``WWW-Authenticate: Bearer resource_metadata=…``; that document (RFC 9728) names the
tenant's OpenID issuer. Authlib's client runs the code flow with PKCE there, asking for the
scope ``mcp`` and ``resource`` = the tenant's MCP URL (RFC 8707); the official ``mcp``
SDK's client then connects with the access token, lists the member's tools and calls one,
audited as the user. The same token at another tenant's ``/mcp/<slug>``, a token of the
tenant's issuer without ``mcp`` (the wiki's), and ``mcp`` asked without the resource are
refused.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
import time
import uuid
from html import unescape
from typing import TYPE_CHECKING, Any

import httpx
import httpx2
import nexus_crm
import pytest
import uvicorn
from authlib.common.security import generate_token
from authlib.integrations.httpx_client import AsyncOAuth2Client
from cryptography.fernet import Fernet
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from nexus.app import create_app
from nexus.plugins import load_plugins
from nexus.settings import Settings
from nexus.testing import make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_crm]
PASSWORD = "correct horse battery"
REDIRECT = "http://127.0.0.1:9/callback"


@pytest.fixture(scope="module")
def served(nexus_postgres_server: Any) -> Iterator[tuple[str, str]]:
    """The app on a free loopback port, with the OpenID provider's keys, and its database."""
    patch = pytest.MonkeyPatch()
    patch.setenv("NEXUS_IDAAS_KEYS", Fernet.generate_key().decode())
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        settings = Settings(database_url=url, log_level="warning")
        app = create_app(settings, registry=load_plugins(settings, plugins=PLUGINS))
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
        )
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 30
        while not server.started:
            assert time.monotonic() < deadline, "the app did not start"
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", url
        server.should_exit = True
        thread.join(10)
    patch.undo()


class Tenant:
    """A tenant with a member who signs in, and a public client app registered for MCP."""

    def __init__(self, base_url: str, database_url: str) -> None:
        self.email = f"ada-{uuid.uuid4().hex[:6]}@example.com"
        user = {"email": self.email, "name": "Ada", "password": PASSWORD, "roles": ["member"]}
        self.tenant = make_tenant(database_url, users=(user,))
        self.issuer = f"{base_url}/api/v1/oidc/{self.tenant.slug}"
        self.mcp = f"{base_url}/mcp/{self.tenant.slug}"
        self.api = httpx.Client(base_url=base_url, headers=self.tenant.headers, timeout=30)
        body = {
            "name": "Claude Desktop",
            "redirect_uris": [REDIRECT],
            "confidential": False,
            "scopes": ["openid", "mcp"],
        }
        created = self.api.post("/api/v1/oidc/clients", json=body)
        assert created.status_code == 201, created.text
        self.client_id = created.json()["client"]["client_id"]

    def authorize(self, scope: str, **params: str) -> str:
        """Where the issuer sends the browser back after the member allowed."""
        oauth = AsyncOAuth2Client(self.client_id, scope=scope, redirect_uri=REDIRECT)
        url, _ = oauth.create_authorization_url(
            f"{self.issuer}/authorize",
            code_verifier=generate_token(48),
            code_challenge_method="S256",
            **params,
        )
        return _sign_in_and_allow(url, self.email)

    def token(self, scope: str, **params: str) -> dict[str, Any]:
        """An access token by the code flow with PKCE, signing in as the member."""

        async def flow() -> dict[str, Any]:
            async with AsyncOAuth2Client(
                self.client_id,
                scope=scope,
                redirect_uri=REDIRECT,
                code_challenge_method="S256",
                token_endpoint_auth_method="none",
            ) as oauth:
                verifier = generate_token(48)
                url, _ = oauth.create_authorization_url(
                    f"{self.issuer}/authorize", code_verifier=verifier, **params
                )
                location = _sign_in_and_allow(url, self.email)
                return dict(
                    await oauth.fetch_token(
                        f"{self.issuer}/token",
                        authorization_response=location,
                        code_verifier=verifier,
                        **params,
                    )
                )

        return asyncio.run(flow())


def _sign_in_and_allow(authorize_url: str, email: str) -> str:
    """Sign in on the issuer's page and allow; where it redirects."""
    with httpx.Client(timeout=30) as browser:
        page = browser.get(authorize_url)
        if page.status_code == 302:
            return page.headers["location"]
        assert page.status_code == 200, page.text
        fields = re.findall(r'<input type="hidden" name="([^"]*)" value="([^"]*)">', page.text)
        form = {unescape(k): unescape(v) for k, v in fields}
        action = re.search(r'<form method="post" action="([^"]*)"', page.text)
        assert action, page.text
        answer = browser.post(
            unescape(action.group(1)),
            data=form | {"email": email, "password": PASSWORD, "decision": "allow"},
        )
    assert answer.status_code == 302, answer.text
    return answer.headers["location"]


def _tools(url: str, token: str) -> tuple[set[str], Any]:
    """The tools the token's caller is offered at ``url``, and a contact search's answer."""

    async def run() -> tuple[set[str], Any]:
        headers = {"Authorization": f"Bearer {token}"}
        async with (
            httpx2.AsyncClient(headers=headers, timeout=30) as http,
            streamable_http_client(url, http_client=http) as (read, write, *_),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            listed = {tool.name for tool in (await session.list_tools()).tools}
            found = await session.call_tool("crm.contacts.search", {"query": "lovelace"})
            return listed, found

    return asyncio.run(run())


def _status(url: str, token: str | None) -> httpx.Response:
    headers = {"Accept": "application/json, text/event-stream"}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    body = {
        "jsonrpc": "2.0",
        "id": 1,
        "method": "initialize",
        "params": {
            "protocolVersion": "2025-06-18",
            "capabilities": {},
            "clientInfo": {"name": "probe", "version": "1"},
        },
    }
    return httpx.post(url, json=body, headers=headers, timeout=30)


def test_a_host_discovers_the_issuer_signs_in_and_uses_the_tools(served):
    base_url, database_url = served
    ours = Tenant(base_url, database_url)
    ours.api.post(
        "/api/v1/crm/contacts",
        json={"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com"},
    )

    challenge = _status(ours.mcp, None)
    assert challenge.status_code == 401
    match = re.fullmatch(
        r'Bearer resource_metadata="([^"]+)"', challenge.headers["www-authenticate"]
    )
    assert match, challenge.headers["www-authenticate"]
    metadata = httpx.get(match.group(1)).json()
    assert metadata["resource"] == ours.mcp
    assert metadata["authorization_servers"] == [ours.issuer]
    assert metadata["scopes_supported"] == ["mcp"]
    discovery = httpx.get(f"{ours.issuer}/.well-known/openid-configuration").json()
    assert "mcp" in discovery["scopes_supported"]

    token = ours.token("openid mcp", resource=ours.mcp)["access_token"]
    listed, found = _tools(ours.mcp, token)

    assert "crm.contacts.search" in listed
    assert not found.is_error, found.content
    assert [hit["title"] for hit in found.structured_content["result"]] == ["Ada Lovelace"]
    users = ours.api.get("/api/v1/users").json()
    user_id = next(u["id"] for u in users["items"] if u["email"] == ours.email)
    audit = ours.api.get("/api/v1/audit-log", params={"action": "ai.tool.called"}).json()
    actors = {entry["actor"] for entry in audit["items"] if entry["action"] == "ai.tool.called"}
    assert actors == {f"user:{user_id}"}


def test_other_tenants_other_audiences_and_no_resource_are_refused(served):
    base_url, database_url = served
    ours, theirs = Tenant(base_url, database_url), Tenant(base_url, database_url)
    token = ours.token("openid mcp", resource=ours.mcp)["access_token"]
    assert _status(ours.mcp, token).status_code == 200

    at_theirs = _status(theirs.mcp, token)
    assert at_theirs.status_code == 401
    assert theirs.tenant.slug in at_theirs.headers["www-authenticate"]
    assert _status(f"{base_url}/mcp", token).status_code == 401  # no tenant to ask

    wiki = ours.token("openid")["access_token"]  # the tenant's issuer, another audience
    assert _status(ours.mcp, wiki).status_code == 401

    for asked in ({}, {"resource": theirs.mcp}):  # the resource not named, or another's
        refused = ours.authorize("openid mcp", **asked)
        assert refused.startswith(REDIRECT) and "error=invalid_request" in refused, refused


def test_unknown_tenant_and_shared_metadata(served):
    base_url, _ = served
    assert _status(f"{base_url}/mcp/no-such-tenant", "x").status_code == 404
    shared = httpx.get(f"{base_url}/.well-known/oauth-protected-resource/mcp").json()
    assert shared["resource"] == f"{base_url}/mcp"
    assert shared["authorization_servers"] == []
    missing = httpx.get(f"{base_url}/.well-known/oauth-protected-resource/mcp/no-such-tenant")
    assert missing.status_code == 404
