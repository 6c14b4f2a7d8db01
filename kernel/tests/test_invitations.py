"""Invitations and password resets: one-time links, stored hashed, expiring (issue #21).

Without Notifications (the kernel alone) an invitation answers ``delivery: "unavailable"``
with its link, for the admin to pass on; a password reset sends nothing and answers 202 all
the same. Tokens for resets are issued here as the kernel issues them, so their one use and
their expiry are tested without a mail system (``tests/test_identity_mail.py`` has one).
"""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from nexus.identity._tokens import issue_token
from nexus.settings import Settings
from nexus.testing import (
    create_test_client,
    make_tenant,
    migrated_database,
    run_sync,
    tenant_transaction,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PASSWORD = "correct horse battery"
ACCEPT = "/api/v1/auth/invitations/accept"
RESET = "/api/v1/auth/password-reset"


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    settings = Settings(
        log_level="warning",
        public_url="https://nexus.example",
        password_resets_per_account="3/hour",
    )
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _token(url: str) -> str:
    query = parse_qs(urlsplit(url).fragment.split("?", 1)[1])
    return query["token"][0]


def _sign_in(client: Any, tenant: Any, email: str, password: str) -> int:
    body = {"grant_type": "password", "tenant": tenant.slug, "email": email, "password": password}
    return int(client.post("/api/v1/auth/token", json=body).status_code)


def _invite(client: Any, tenant: Any) -> tuple[dict[str, Any], str]:
    email = f"new-{uuid.uuid4().hex[:8]}@example.com"
    created = client.post(
        "/api/v1/users", json={"email": email, "name": "Ada"}, headers=tenant.headers
    )
    assert created.status_code == 201, created.text
    return created.json(), email


def test_an_invitation_without_notifications_hands_the_link_and_works_once(world):
    client, url = world
    tenant = make_tenant(url)
    user, email = _invite(client, tenant)
    invitation = user["invitation"]
    assert invitation["delivery"] == "unavailable"
    assert invitation["url"].startswith("https://nexus.example/console/#/accept?token=nxt_")
    token = _token(invitation["url"])
    assert _sign_in(client, tenant, email, PASSWORD) == 401  # no password yet
    accepted = client.post(ACCEPT, json={"token": token, "password": PASSWORD})
    assert accepted.status_code == 200, accepted.text
    assert accepted.json() == {"tenant": tenant.slug, "email": email}
    assert _sign_in(client, tenant, email, PASSWORD) == 200
    again = client.post(ACCEPT, json={"token": token, "password": "another password!"})
    assert again.status_code == 422
    assert again.headers["content-type"] == "application/problem+json"
    assert _sign_in(client, tenant, email, "another password!") == 401
    with_password = client.post(
        "/api/v1/users",
        json={"email": f"p-{uuid.uuid4().hex[:6]}@example.com", "name": "P", "password": PASSWORD},
        headers=tenant.headers,
    )
    assert with_password.json()["invitation"] is None


def test_sending_again_retires_the_first_link_and_stops_once_accepted(world):
    client, url = world
    tenant = make_tenant(url)
    user, email = _invite(client, tenant)
    first = _token(user["invitation"]["url"])
    resend = f"/api/v1/users/{user['id']}/invitation"
    again = client.post(resend, headers=tenant.headers)
    assert again.status_code == 200, again.text
    second = _token(again.json()["url"])
    assert client.post(ACCEPT, json={"token": first, "password": PASSWORD}).status_code == 422
    assert client.post(ACCEPT, json={"token": second, "password": PASSWORD}).status_code == 200
    assert client.post(resend, headers=tenant.headers).status_code == 409
    other = make_tenant(url)
    assert client.post(resend, headers=other.headers).status_code == 404


def test_a_token_names_its_tenant_and_cannot_be_moved_to_another(world):
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    user, _email = _invite(client, tenant)
    token = _token(user["invitation"]["url"])
    prefix, _tenant, rest = token.split("_", 2)
    moved = f"{prefix}_{other.id.hex}_{rest}"
    assert client.post(ACCEPT, json={"token": moved, "password": PASSWORD}).status_code == 422
    forged = token[:-4] + ("aaaa" if not token.endswith("aaaa") else "bbbb")
    assert client.post(ACCEPT, json={"token": forged, "password": PASSWORD}).status_code == 422
    assert client.post(ACCEPT, json={"token": "nonsense", "password": PASSWORD}).status_code == 422
    assert client.post(ACCEPT, json={"token": token, "password": PASSWORD}).status_code == 200


def _reset_token(url: str, tenant: Any, email: str, ttl: timedelta) -> str:
    async def issue() -> str:
        async with tenant_transaction(url, tenant) as conn:
            user_id = await conn.fetchval("select id from nexus_user where email = $1", email)
            token, _id, _expires = await issue_token(
                conn, tenant_id=tenant.id, user_id=user_id, purpose="password_reset", ttl=ttl
            )
            return token

    return run_sync(issue())


def test_a_reset_token_works_once_and_not_after_it_expired(world):
    client, url = world
    tenant = make_tenant(url)
    user, email = _invite(client, tenant)
    token = _reset_token(url, tenant, email, timedelta(minutes=5))
    confirm = f"{RESET}/confirm"
    assert client.post(ACCEPT, json={"token": token, "password": PASSWORD}).status_code == 422
    done = client.post(confirm, json={"token": token, "password": PASSWORD})
    assert done.status_code == 200, done.text
    assert _sign_in(client, tenant, email, PASSWORD) == 200
    assert client.post(confirm, json={"token": token, "password": "x" * 12}).status_code == 422
    expired = _reset_token(url, tenant, email, timedelta(seconds=-1))
    assert client.post(confirm, json={"token": expired, "password": "y" * 12}).status_code == 422
    assert _sign_in(client, tenant, email, PASSWORD) == 200
    short = client.post(confirm, json={"token": token, "password": "short"})
    assert short.status_code == 400 or short.status_code == 422


def test_a_reset_request_answers_202_for_anyone_and_is_throttled_per_account(world):
    client, url = world
    tenant = make_tenant(url)
    _user, email = _invite(client, tenant)
    for who in (email, "nobody@example.com", email):
        asked = client.post(RESET, json={"tenant": tenant.slug, "email": who})
        assert asked.status_code == 202, asked.text
    assert client.post(RESET, json={"tenant": "no-such-tenant", "email": email}).status_code == 202
    for _ in range(2):
        client.post(RESET, json={"tenant": tenant.slug, "email": email})
    throttled = client.post(RESET, json={"tenant": tenant.slug, "email": email})
    assert throttled.status_code == 429
    assert int(throttled.headers["retry-after"]) >= 1
    unknown = client.post(RESET, json={"tenant": tenant.slug, "email": "x@example.com"})
    assert unknown.status_code == 202  # the budget is the account's
