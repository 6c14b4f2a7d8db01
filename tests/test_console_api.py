"""The REST API the console needs beyond the kernel's first cut: audit filters, the tenant's
own preset, every installed plugin for operators (the feature stream is in tests/console)."""

from __future__ import annotations

import pytest
from kernel_samples import hello, reports, tasks
from nexus.testing import create_test_client, make_platform_key, make_tenant


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database([hello, tasks, reports])


@pytest.fixture
def app(nexus_database_url):
    with create_test_client([hello, tasks, reports], database_url=nexus_database_url) as client:
        yield client


@pytest.fixture
def acme(app, nexus_database_url):
    return make_tenant(nexus_database_url, slug="acme")


@pytest.fixture
def globex(app, nexus_database_url):
    return make_tenant(nexus_database_url, slug="globex")


def switch(client, tenant, key, enabled, **extra):
    response = client.put(
        f"/api/v1/features/{key}", json={"enabled": enabled, **extra}, headers=tenant.headers
    )
    assert response.status_code == 200, response.text
    return response


def audit(client, tenant, **params):
    response = client.get("/api/v1/audit-log", params=params, headers=tenant.headers)
    assert response.status_code == 200, response.text
    return response.json()


def test_audit_log_filters_by_target_action_actor_and_time(app, acme):
    switch(app, acme, "tasks", False, cascade=True, reason="tidy up")
    switch(app, acme, "hello", False, reason="not needed")
    every = audit(app, acme)["items"]
    # The cascade disables the dependent first.
    assert [(e["target"], e["reason"]) for e in every] == [
        ("reports", "tidy up"),
        ("tasks", "tidy up"),
        ("hello", "not needed"),
    ]
    # A plugin's name matches it and its features, not another plugin sharing a prefix.
    assert [e["target"] for e in audit(app, acme, target="hello")["items"]] == ["hello"]
    assert {e["target"] for e in audit(app, acme, target="tasks")["items"]} == {"tasks"}
    assert audit(app, acme, action="preset.applied")["items"] == []
    assert len(audit(app, acme, action="feature.changed")["items"]) == 3
    actor = every[0]["actor"]
    assert len(audit(app, acme, actor=actor)["items"]) == 3
    assert audit(app, acme, actor="user:nobody")["items"] == []
    first = every[0]["created_at"]
    assert audit(app, acme, until=first)["items"] == []
    assert len(audit(app, acme, since=first)["items"]) == 3


def test_audit_log_newest_first_pages_backwards(app, acme):
    switch(app, acme, "hello", False)
    switch(app, acme, "hello", True)
    switch(app, acme, "hello", False)
    oldest_first = [e["id"] for e in audit(app, acme)["items"]]
    page = audit(app, acme, newest_first="true", limit=2)
    assert [e["id"] for e in page["items"]] == oldest_first[::-1][:2]
    rest = audit(app, acme, newest_first="true", limit=2, cursor=page["next_cursor"])
    assert [e["id"] for e in rest["items"]] == oldest_first[::-1][2:]
    assert rest["next_cursor"] is None


def test_audit_log_filters_stay_in_the_tenant(app, acme, globex):
    switch(app, globex, "hello", False, reason="globex only")
    assert audit(app, acme, target="hello")["items"] == []
    assert [e["reason"] for e in audit(app, globex, target="hello")["items"]] == ["globex only"]


def test_audit_log_rejects_a_bad_time(app, acme):
    response = app.get("/api/v1/audit-log?since=yesterday", headers=acme.headers)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"


def test_tenant_admin_sees_previews_and_applies_its_own_preset(app, acme):
    assert app.get("/api/v1/preset", headers=acme.headers).json() == {"preset": None}
    preview = app.post("/api/v1/preset", json={"preset": "base"}, headers=acme.headers)
    assert preview.status_code == 200, preview.text
    plan = preview.json()
    assert plan["dry_run"] is True
    assert plan["previous"] is None
    # base switches no business plugin on: every sample plugin would go off.
    assert {"hello", "tasks", "reports"} <= set(plan["disable"])
    assert app.get("/api/v1/preset", headers=acme.headers).json() == {"preset": None}
    assert app.get("/api/v1/hello", headers=acme.headers).status_code == 200

    applied = app.post(
        "/api/v1/preset",
        json={"preset": "base", "dry_run": False, "reason": "start lean"},
        headers=acme.headers,
    )
    assert applied.status_code == 200, applied.text
    assert app.get("/api/v1/preset", headers=acme.headers).json() == {"preset": "base"}
    assert app.get("/api/v1/hello", headers=acme.headers).status_code == 404
    entry = audit(app, acme, action="preset.applied")["items"][-1]
    assert (entry["target"], entry["reason"]) == ("base", "start lean")


def test_own_preset_unknown_is_404_and_members_may_not(app, acme, nexus_database_url):
    unknown = app.post("/api/v1/preset", json={"preset": "no-such"}, headers=acme.headers)
    assert unknown.status_code == 404
    member = make_tenant(nexus_database_url, slug="members", role="member")
    assert app.get("/api/v1/preset", headers=member.headers).status_code == 403
    refused = app.post("/api/v1/preset", json={"preset": "base"}, headers=member.headers)
    assert refused.status_code == 403


def test_installed_plugins_for_platform_admins_only(app, acme, nexus_database_url):
    operator = {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}
    response = app.get("/api/v1/installed-plugins", headers=operator)
    assert response.status_code == 200, response.text
    listed = {p["name"]: p for p in response.json()}
    assert set(listed) == {"hello", "tasks", "reports"}
    assert listed["reports"] == listed["reports"] | {
        "state": "loaded",
        "reason": None,
        "requires": ["tasks"],
        "version": "1.0.0",
        "title": "Reports",
    }
    assert app.get("/api/v1/installed-plugins", headers=acme.headers).status_code == 403


def test_api_key_exchanged_for_a_platform_admin_jwt_works(app, nexus_database_url):
    """The console signs operators in by exchanging their key for a JWT it keeps instead."""
    key = make_platform_key(nexus_database_url)
    token = app.post("/api/v1/auth/token", json={"grant_type": "api_key", "api_key": key})
    assert token.status_code == 200, token.text
    bearer = {"Authorization": f"Bearer {token.json()['access_token']}"}
    assert app.get("/api/v1/me", headers=bearer).json()["roles"] == ["platform_admin"]
    assert app.get("/api/v1/tenants", headers=bearer).status_code == 200
    assert app.get("/api/v1/installed-plugins", headers=bearer).status_code == 200
