"""Identity's catalogue events are written to the outbox with the change they announce."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pyotp
import pytest
from mfa_helpers import add_user, bearer, sign_in
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database, outbox_events

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    settings = Settings(log_level="warning", public_url="https://nexus.example")
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _data(url: str, tenant: Any, event_type: str) -> list[dict[str, Any]]:
    return [dict(event.data) for event in outbox_events(url, tenant, event_type)]


def test_creating_and_disabling_a_user_are_announced_once(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    [created] = _data(url, tenant, "nexus.user.created.v1")
    assert created["email"] == email and created["via"] == "api"
    taken = client.post(
        "/api/v1/users",
        json={"email": email, "name": "Again", "password": "correct horse battery"},
        headers=tenant.headers,
    )
    assert taken.status_code == 409
    assert len(_data(url, tenant, "nexus.user.created.v1")) == 1  # rolled back with it

    path = f"/api/v1/users/{created['user_id']}"
    for _ in range(2):  # disabling a disabled user changes nothing: no second event
        assert client.patch(path, json={"disabled": True}, headers=tenant.headers).is_success
    [disabled] = _data(url, tenant, "nexus.user.disabled.v1")
    assert disabled == created


def test_second_factors_and_revoked_sessions_are_announced(world):
    client, url = world
    tenant = make_tenant(url)
    add_user(client, tenant)
    [user] = _data(url, tenant, "nexus.user.created.v1")
    email = user["email"]
    headers = bearer(sign_in(client, tenant, email))
    secret = client.post("/api/v1/me/mfa/totp", headers=headers).json()["secret"]
    assert _data(url, tenant, "nexus.user.mfa_enrolled.v1") == []  # pending is no factor
    code = {"code": pyotp.TOTP(secret).now()}
    assert client.post("/api/v1/me/mfa/totp/confirm", json=code, headers=headers).is_success
    [enrolled] = _data(url, tenant, "nexus.user.mfa_enrolled.v1")
    assert enrolled == {"user_id": user["user_id"], "factor": "totp", "by_admin": False}

    cleared = client.delete(f"/api/v1/users/{user['user_id']}/mfa", headers=tenant.headers)
    assert cleared.status_code == 204
    [removed] = _data(url, tenant, "nexus.user.mfa_removed.v1")
    assert removed == {"user_id": user["user_id"], "factor": "all", "by_admin": True}

    second = bearer(sign_in(client, tenant, email))
    mine = client.get("/api/v1/auth/sessions", headers=second).json()
    assert client.delete("/api/v1/auth/sessions", headers=second).status_code == 204
    [revoked] = outbox_events(url, tenant, "nexus.user.sessions_revoked.v1")
    assert revoked.subject == user["user_id"]
    assert sorted(revoked.data["session_ids"]) == sorted(s["id"] for s in mine)
    assert revoked.data["by_admin"] is False
