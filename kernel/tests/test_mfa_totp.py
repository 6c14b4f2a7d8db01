"""TOTP and recovery codes make a sign-in two steps; the tenant's policy forces enrolment."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

import asyncpg
import pyotp
import pytest
from mfa_helpers import add_user, bearer, sign_in
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

VERIFY = "/api/v1/auth/mfa/verify"


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    settings = Settings(log_level="warning", public_url="https://nexus.example")
    with (
        migrated_database(nexus_postgres_server) as url,
        create_test_client(database_url=url, settings=settings) as client,
    ):
        yield client, url


def _enrol(client: Any, headers: dict[str, str]) -> tuple[pyotp.TOTP, list[str]]:
    started = client.post("/api/v1/me/mfa/totp", headers=headers)
    assert started.status_code == 200, started.text
    uri = started.json()["otpauth_uri"]
    assert uri.startswith("otpauth://totp/Nexus:") and "issuer=Nexus" in uri
    totp = pyotp.TOTP(started.json()["secret"])
    wrong = client.post("/api/v1/me/mfa/totp/confirm", json={"code": "000000"}, headers=headers)
    assert wrong.status_code == 422 and wrong.json()["errors"][0]["key"] == "code"
    confirmed = client.post(
        "/api/v1/me/mfa/totp/confirm", json={"code": totp.now()}, headers=headers
    )
    assert confirmed.status_code == 200, confirmed.text
    return totp, confirmed.json()["recovery_codes"]


def _next_code(totp: pyotp.TOTP) -> str:
    # The code of the next 30-second step: accepted (clock drift) and not yet used.
    return totp.at(time.time() + 30)


def test_a_user_with_totp_signs_in_in_two_steps_and_a_code_works_once(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    headers = bearer(sign_in(client, tenant, email))
    totp, codes = _enrol(client, headers)
    assert len(codes) == 10 and len(set(codes)) == 10
    state = client.get("/api/v1/me/mfa", headers=headers).json()
    assert state["totp"] is True and state["recovery_codes_left"] == 10

    first = sign_in(client, tenant, email)
    assert first.status_code == 200, first.text
    challenge = first.json()
    assert challenge["status"] == "mfa_required" and "access_token" not in challenge
    assert challenge["methods"] == ["totp", "recovery_code"]
    ticket = challenge["mfa_ticket"]
    wrong = client.post(VERIFY, json={"ticket": ticket, "method": "totp", "code": "123456"})
    assert wrong.status_code == 401
    assert wrong.headers["content-type"] == "application/problem+json"
    code = _next_code(totp)
    done = client.post(VERIFY, json={"ticket": ticket, "method": "totp", "code": code})
    me = client.get("/api/v1/me", headers=bearer(done))
    assert me.status_code == 200 and me.json()["kind"] == "user"
    spent = client.post(VERIFY, json={"ticket": ticket, "method": "totp", "code": code})
    assert spent.status_code == 422  # the ticket was used
    again = sign_in(client, tenant, email).json()["mfa_ticket"]
    replay = client.post(VERIFY, json={"ticket": again, "method": "totp", "code": code})
    assert replay.status_code == 401  # the same code is not accepted twice


def test_a_recovery_code_completes_a_sign_in_once(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    _totp, codes = _enrol(client, bearer(sign_in(client, tenant, email)))
    ticket = sign_in(client, tenant, email).json()["mfa_ticket"]
    used = client.post(
        VERIFY, json={"ticket": ticket, "method": "recovery_code", "code": codes[3].upper()}
    )
    headers = bearer(used)
    assert client.get("/api/v1/me/mfa", headers=headers).json()["recovery_codes_left"] == 9
    ticket = sign_in(client, tenant, email).json()["mfa_ticket"]
    twice = client.post(
        VERIFY, json={"ticket": ticket, "method": "recovery_code", "code": codes[3]}
    )
    assert twice.status_code == 401
    missing = client.post(VERIFY, json={"ticket": ticket, "method": "totp"})
    assert missing.status_code == 422 and missing.json()["errors"][0]["key"] == "code"


def test_a_ticket_dies_after_five_wrong_codes_and_cannot_move_tenants(world):
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    email = add_user(client, tenant)
    totp, _codes = _enrol(client, bearer(sign_in(client, tenant, email)))
    ticket = sign_in(client, tenant, email).json()["mfa_ticket"]
    prefix, _tenant, rest = ticket.split("_", 2)
    moved = f"{prefix}_{other.id.hex}_{rest}"
    code = _next_code(totp)
    assert (
        client.post(VERIFY, json={"ticket": moved, "method": "totp", "code": code}).status_code
        == 422
    )
    for _ in range(5):
        wrong = client.post(VERIFY, json={"ticket": ticket, "method": "totp", "code": "000000"})
        assert wrong.status_code == 401
    dead = client.post(VERIFY, json={"ticket": ticket, "method": "totp", "code": code})
    assert dead.status_code == 422


def test_the_totp_secret_is_sealed_at_rest(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    headers = bearer(sign_in(client, tenant, email))
    secret = client.post("/api/v1/me/mfa/totp", headers=headers).json()["secret"]

    async def stored() -> str:
        async with tenant_transaction(url, tenant) as conn:
            return str(
                await conn.fetchval(
                    "select s.secret_sealed from nexus_user u, "
                    "lateral nexus_mfa_totp_secret(u.id) s"
                )
            )

    sealed = run_sync(stored())
    assert secret not in sealed and len(sealed) > 60

    async def read_directly() -> None:
        async with tenant_transaction(url, tenant) as conn:
            await conn.fetchval("select secret_sealed from nexus_mfa_totp")

    with pytest.raises(asyncpg.InsufficientPrivilegeError):  # the API role reads no secret
        run_sync(read_directly())


def test_the_tenants_policy_makes_a_user_without_mfa_enrol_to_sign_in(world):
    client, url = world
    tenant = make_tenant(url)
    email = add_user(client, tenant)
    admin_email = add_user(client, tenant, roles=["tenant_admin"])
    bad = client.put(
        "/api/v1/security/mfa-policy", json={"roles": ["nobody"]}, headers=tenant.headers
    )
    assert bad.status_code == 422 and bad.json()["errors"][0]["key"] == "roles"
    policy = client.put(
        "/api/v1/security/mfa-policy", json={"roles": ["member"]}, headers=tenant.headers
    )
    assert policy.status_code == 200, policy.text
    assert client.get("/api/v1/security/mfa-policy", headers=tenant.headers).json() == {
        "require_all": False,
        "roles": ["member"],
    }
    assert "access_token" in sign_in(client, tenant, admin_email).json()  # not covered
    challenge = sign_in(client, tenant, email).json()
    assert challenge["status"] == "mfa_enrolment_required"
    ticket = challenge["mfa_ticket"]
    # An enrolment ticket is no second factor.
    refused = client.post(VERIFY, json={"ticket": ticket, "method": "totp", "code": "000000"})
    assert refused.status_code == 422
    started = client.post("/api/v1/auth/mfa/enrol/totp", json={"ticket": ticket})
    assert started.status_code == 200, started.text
    totp = pyotp.TOTP(started.json()["secret"])
    done = client.post(
        "/api/v1/auth/mfa/enrol/totp/confirm", json={"ticket": ticket, "code": totp.now()}
    )
    assert len(done.json()["recovery_codes"]) == 10
    assert client.get("/api/v1/me", headers=bearer(done)).status_code == 200
    assert sign_in(client, tenant, email).json()["status"] == "mfa_required"


def test_an_admin_clears_a_users_factors_and_another_tenant_cannot(world):
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    email = add_user(client, tenant)
    _enrol(client, bearer(sign_in(client, tenant, email)))
    user_id = client.get("/api/v1/users", headers=tenant.headers).json()["items"][0]["id"]
    assert client.delete(f"/api/v1/users/{user_id}/mfa", headers=other.headers).status_code == 404
    assert client.delete(f"/api/v1/users/{user_id}/mfa", headers=tenant.headers).status_code == 204
    assert "access_token" in sign_in(client, tenant, email).json()
