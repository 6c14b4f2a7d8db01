"""An address is unverified until its user follows an emailed link (issue #29, part 2).

Without Notifications (the kernel alone) a new link is handed back for the caller to pass
on, as invitations are; ``tests/test_identity_mail.py`` shows the emailed way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlsplit

import pytest
from mfa_helpers import add_user, bearer, sign_in
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

VERIFY = "/api/v1/auth/email/verify"


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    settings = Settings(log_level="warning", public_url="https://nexus.example")
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _me(client: Any, tenant: Any, email: str) -> dict[str, Any]:
    users = client.get("/api/v1/users", headers=tenant.headers).json()["items"]
    return dict(next(user for user in users if user["email"] == email))


def test_a_new_address_is_verified_by_following_its_link_once(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    assert _me(client, tenant, email)["email_verified"] is False
    headers = bearer(sign_in(client, tenant, email))
    sent = client.post("/api/v1/me/email/verification", headers=headers)
    assert sent.status_code == 200, sent.text
    link = sent.json()["url"]
    assert link.startswith("https://nexus.example/console/#/verify-email?token=nxt_")
    token = parse_qs(urlsplit(link).fragment.split("?", 1)[1])["token"][0]
    done = client.post(VERIFY, json={"token": token})
    assert done.status_code == 200 and done.json() == {"tenant": tenant.slug, "email": email}
    assert _me(client, tenant, email)["email_verified"] is True
    assert client.post(VERIFY, json={"token": token}).status_code == 422
    again = client.post("/api/v1/me/email/verification", headers=headers)
    assert again.status_code == 409
    assert client.post(VERIFY, json={"token": "nxt_nonsense"}).status_code == 422


def test_accepting_an_invitation_proves_the_address(world):
    client, url = world
    tenant = make_tenant(url)
    created = client.post(
        "/api/v1/users", json={"email": "inv@example.com", "name": "Inv"}, headers=tenant.headers
    ).json()
    assert created["email_verified"] is False
    link = created["invitation"]["url"]
    token = parse_qs(urlsplit(link).fragment.split("?", 1)[1])["token"][0]
    accepted = client.post(
        "/api/v1/auth/invitations/accept", json={"token": token, "password": "a long password"}
    )
    assert accepted.status_code == 200, accepted.text
    assert _me(client, tenant, "inv@example.com")["email_verified"] is True
