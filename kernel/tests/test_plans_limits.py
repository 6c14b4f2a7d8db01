"""A tenant held to its plan: seats, plugins and request rate, refused with named limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from kernel_samples import echo, hello
from nexus.settings import Settings
from nexus.testing import create_test_client, make_platform_key, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

    from litestar.testing import TestClient
    from nexus.testing import TestTenant

# An operator's own price list (NEXUS_PLANS_PATH): a tiny plan to reach every limit fast.
TINY = """
name = "tiny"
title = "Tiny"
[limits]
users = 2
plugins = ["echo"]
"""
HASTY = """
name = "hasty"
title = "Hasty"
[limits]
api_rate = "5/minute"
"""
STANDARD = 'name = "standard"\ntitle = "Standard"\n'


@pytest.fixture(scope="module")
def client(nexus_postgres_server, tmp_path_factory) -> Iterator[TestClient]:
    plans = tmp_path_factory.mktemp("plans")
    (plans / "tiny.toml").write_text(TINY, encoding="utf-8")
    (plans / "hasty.toml").write_text(HASTY, encoding="utf-8")
    (plans / "standard.toml").write_text(STANDARD, encoding="utf-8")
    settings = Settings(log_level="warning", plans_path=str(plans))
    with (
        migrated_database(nexus_postgres_server, [hello, echo]) as url,
        create_test_client([hello, echo], database_url=url, settings=settings) as client,
    ):
        client.database_url = url  # type: ignore[attr-defined]
        yield client


def _on_plan(client: TestClient, plan: str) -> TestTenant:
    tenant = make_tenant(client.database_url)
    admin = {"Authorization": f"Bearer {make_platform_key(client.database_url)}"}
    response = client.patch(f"/api/v1/tenants/{tenant.id}", json={"plan": plan}, headers=admin)
    assert response.status_code == 200, response.text
    return tenant


def _invite(client: TestClient, tenant: TestTenant, n: int):
    user = {"email": f"user{n}@example.com", "name": f"User {n}"}
    return client.post("/api/v1/users", json=user, headers=tenant.headers)


def _assert_plan_limit(response, *, limit: str, allowed, used) -> None:
    assert response.status_code == 403
    assert response.headers["content-type"] == "application/problem+json"
    problem = response.json()
    assert problem["type"] == "/problems/plan-limit"
    assert problem["title"] == "Plan limit reached"
    assert (problem["plan"], problem["limit"]) == ("tiny", limit)
    assert (problem["allowed"], problem["used"]) == (allowed, used)


def test_a_user_beyond_the_plans_seats_is_refused_naming_seats_and_usage(client):
    tenant = _on_plan(client, "tiny")
    assert _invite(client, tenant, 1).status_code == 201
    second = _invite(client, tenant, 2)
    assert second.status_code == 201
    refused = _invite(client, tenant, 3)
    _assert_plan_limit(refused, limit="users", allowed=2, used=2)
    assert refused.json()["detail"] == "the plan 'tiny' allows 2 users; the tenant has 2"
    # A disabled user frees their seat.
    user_id = second.json()["id"]
    disabled = client.patch(
        f"/api/v1/users/{user_id}", json={"disabled": True}, headers=tenant.headers
    )
    assert disabled.status_code == 200
    assert _invite(client, tenant, 3).status_code == 201
    # Enabling them again needs a seat, and there is none.
    enabled = client.patch(
        f"/api/v1/users/{user_id}", json={"disabled": False}, headers=tenant.headers
    )
    _assert_plan_limit(enabled, limit="users", allowed=2, used=2)


def test_seats_of_one_tenant_do_not_count_against_another(client):
    first, second = _on_plan(client, "tiny"), _on_plan(client, "tiny")
    for n in (1, 2):
        assert _invite(client, first, n).status_code == 201
    assert _invite(client, second, 1).status_code == 201


def test_a_plan_without_a_seat_limit_takes_any_number_of_users(client):
    tenant = _on_plan(client, "standard")
    assert all(_invite(client, tenant, n).status_code == 201 for n in range(4))


def test_switching_on_a_plugin_the_plan_excludes_is_refused_naming_the_plugin(client):
    tenant = _on_plan(client, "tiny")
    # Switching off is always allowed; switching back on is what the plan decides.
    for plugin in ("hello", "echo"):
        off = client.put(
            f"/api/v1/features/{plugin}", json={"enabled": False}, headers=tenant.headers
        )
        assert off.status_code == 200, off.text
    refused = client.put("/api/v1/features/hello", json={"enabled": True}, headers=tenant.headers)
    _assert_plan_limit(refused, limit="plugins", allowed=["echo"], used="hello")
    assert refused.json()["detail"] == "the plan 'tiny' does not include the plugin 'hello'"
    assert client.get("/api/v1/hello", headers=tenant.headers).status_code == 404
    allowed = client.put("/api/v1/features/echo", json={"enabled": True}, headers=tenant.headers)
    assert allowed.status_code == 200


def test_the_plans_request_rate_limits_its_tenants_naming_the_plan(client):
    tenant = _on_plan(client, "hasty")
    for _ in range(5):
        assert client.get("/api/v1/echo", headers=tenant.headers).status_code == 200
    refused = client.get("/api/v1/echo", headers=tenant.headers)
    assert refused.status_code == 429
    problem = refused.json()
    assert problem["type"] == "/problems/rate-limited"
    assert (problem["plan"], problem["limit"], problem["allowed"]) == (
        "hasty",
        "api_rate",
        "5/minute",
    )
    # A tenant on a plan without its own rate keeps the configured budget.
    other = _on_plan(client, "standard")
    assert all(
        client.get("/api/v1/hello", headers=other.headers).status_code == 200 for _ in range(6)
    )
