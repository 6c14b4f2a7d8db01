"""WebAuthn passkeys gate a sign-in, checked with a software authenticator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from mfa_helpers import SoftPasskey, add_user, bearer, sign_in
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

VERIFY = "/api/v1/auth/mfa/verify"
OPTIONS = "/api/v1/auth/mfa/webauthn/options"


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    settings = Settings(log_level="warning", public_url="https://nexus.example")
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _register(client: Any, headers: dict[str, str], passkey: SoftPasskey) -> dict[str, Any]:
    offered = client.post("/api/v1/me/mfa/passkeys/options", headers=headers)
    assert offered.status_code == 200, offered.text
    options = offered.json()["options"]
    assert options["rp"]["id"] == "nexus.example"
    added = client.post(
        "/api/v1/me/mfa/passkeys",
        json={
            "ticket": offered.json()["ticket"],
            "name": "laptop",
            "credential": passkey.create(options),
        },
        headers=headers,
    )
    assert added.status_code == 201, added.text
    return dict(added.json())


def test_a_passkey_gates_the_sign_in_and_only_its_key_passes(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    passkey = SoftPasskey()
    headers = bearer(sign_in(client, tenant, email))
    assert _register(client, headers, passkey)["name"] == "laptop"
    mine = client.get("/api/v1/me/mfa", headers=headers).json()
    assert mine["passkeys"] == 1 and mine["recovery_codes_left"] == 10

    challenge = sign_in(client, tenant, email).json()
    assert challenge["status"] == "mfa_required"
    assert challenge["methods"] == ["webauthn", "recovery_code"]
    ticket = challenge["mfa_ticket"]
    options = client.post(OPTIONS, json={"ticket": ticket}).json()["options"]
    assert options["allowCredentials"][0]["id"]
    impostor = SoftPasskey()
    impostor.credential_id = passkey.credential_id  # the same id, another key
    forged = client.post(
        VERIFY, json={"ticket": ticket, "method": "webauthn", "credential": impostor.get(options)}
    )
    assert forged.status_code == 401
    done = client.post(
        VERIFY, json={"ticket": ticket, "method": "webauthn", "credential": passkey.get(options)}
    )
    assert client.get("/api/v1/me", headers=bearer(done)).status_code == 200


def test_an_assertion_for_another_challenge_or_origin_is_refused(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    passkey = SoftPasskey()
    _register(client, bearer(sign_in(client, tenant, email)), passkey)
    first = sign_in(client, tenant, email).json()["mfa_ticket"]
    old_options = client.post(OPTIONS, json={"ticket": first}).json()["options"]
    second = sign_in(client, tenant, email).json()["mfa_ticket"]
    client.post(OPTIONS, json={"ticket": second})
    stale = client.post(
        VERIFY,
        json={"ticket": second, "method": "webauthn", "credential": passkey.get(old_options)},
    )
    assert stale.status_code == 401
    options = client.post(OPTIONS, json={"ticket": second}).json()["options"]
    phishing = SoftPasskey(origin="https://nexus.example.evil")
    phishing.key, phishing.credential_id = passkey.key, passkey.credential_id
    phishing.counter = passkey.counter
    elsewhere = client.post(
        VERIFY,
        json={"ticket": second, "method": "webauthn", "credential": phishing.get(options)},
    )
    assert elsewhere.status_code == 401


def test_a_policy_enrolment_can_register_a_passkey_and_sign_in(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    client.put("/api/v1/security/mfa-policy", json={"require_all": True}, headers=tenant.headers)
    ticket = sign_in(client, tenant, email).json()["mfa_ticket"]
    offered = client.post("/api/v1/auth/mfa/enrol/passkey/options", json={"ticket": ticket})
    assert offered.status_code == 200, offered.text
    passkey = SoftPasskey()
    bad = client.post(
        "/api/v1/auth/mfa/enrol/passkey",
        json={"ticket": ticket, "credential": {"id": "x", "type": "public-key"}},
    )
    assert bad.status_code == 401
    done = client.post(
        "/api/v1/auth/mfa/enrol/passkey",
        json={"ticket": ticket, "credential": passkey.create(offered.json()["options"])},
    )
    assert len(done.json()["recovery_codes"]) == 10
    headers = bearer(done)
    passkeys = client.get("/api/v1/me/mfa", headers=headers).json()["passkey_list"]
    assert [p["name"] for p in passkeys] == ["passkey"]
    removed = client.delete(f"/api/v1/me/mfa/passkeys/{passkeys[0]['id']}", headers=headers)
    assert removed.status_code == 204
    assert sign_in(client, tenant, email).json()["status"] == "mfa_enrolment_required"
