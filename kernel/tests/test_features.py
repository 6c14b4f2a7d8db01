"""Feature toggles per tenant: gating, requirements, cascade, data kept, purge, audit."""

from __future__ import annotations

import pytest
from kernel_samples import hello, reports, tasks
from nexus.testing import create_test_client, make_tenant


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database([hello, tasks, reports])


@pytest.fixture
def app(nexus_database_url):
    tasks.ENABLED.clear()
    tasks.DISABLED.clear()
    with create_test_client([hello, tasks, reports], database_url=nexus_database_url) as client:
        yield client


@pytest.fixture
def acme(app, nexus_database_url):
    return make_tenant(nexus_database_url, slug="acme")


@pytest.fixture
def globex(app, nexus_database_url):
    return make_tenant(nexus_database_url, slug="globex")


def switch(client, tenant, key, enabled, **extra):
    return client.put(
        f"/api/v1/features/{key}", json={"enabled": enabled, **extra}, headers=tenant.headers
    )


def features(client, tenant):
    return {f["key"]: f for f in client.get("/api/v1/features", headers=tenant.headers).json()}


def test_features_list_states_sources_requires_and_dependents(app, acme):
    listed = features(app, acme)
    assert listed["tasks"]["state"] == "enabled"
    assert listed["tasks"]["source"] == "default"
    assert listed["tasks"]["dependents"] == ["reports", "tasks.board"]
    assert listed["reports"]["requires"] == ["tasks"]
    assert listed["tasks.board"] == listed["tasks.board"] | {
        "state": "disabled",
        "in_effect": False,
    }


def test_disabled_plugin_routes_404_for_that_tenant_only(app, acme, globex):
    assert app.get("/api/v1/hello", headers=acme.headers).status_code == 200
    assert switch(app, acme, "hello", False, reason="not needed").status_code == 200
    response = app.get("/api/v1/hello", headers=acme.headers)
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/problem+json"
    assert app.get("/api/v1/hello", headers=globex.headers).status_code == 200
    assert switch(app, acme, "hello", True).status_code == 200
    assert app.get("/api/v1/hello", headers=acme.headers).status_code == 200


def test_feature_gates_its_routes(app, acme):
    assert app.get("/api/v1/tasks/board", headers=acme.headers).status_code == 404
    assert switch(app, acme, "tasks.board", True).status_code == 200
    assert app.get("/api/v1/tasks/board", headers=acme.headers).json() == {"board": "on"}


def test_disabling_a_required_plugin_is_refused_naming_dependents(app, acme):
    response = switch(app, acme, "tasks", False)
    assert response.status_code == 409
    assert response.json()["features"] == ["reports"]
    assert "reports" in response.json()["detail"]


def test_enabling_with_a_requirement_off_is_refused_then_cascades(app, acme):
    assert switch(app, acme, "tasks", False, cascade=True).status_code == 200
    assert features(app, acme)["reports"]["state"] == "disabled"
    refused = switch(app, acme, "reports", True)
    assert refused.status_code == 409
    assert refused.json()["features"] == ["tasks"]
    cascaded = switch(app, acme, "reports", True, cascade=True, reason="monthly reports")
    assert cascaded.status_code == 200
    assert [c["key"] for c in cascaded.json()["changes"]] == ["tasks", "reports"]
    audit = app.get("/api/v1/audit-log", headers=acme.headers).json()["items"]
    last_two = [(e["target"], e["after"]["state"], e["reason"]) for e in audit[-2:]]
    assert last_two == [
        ("tasks", "enabled", "monthly reports"),
        ("reports", "enabled", "monthly reports"),
    ]


def test_disable_keeps_data_and_enable_brings_it_back(app, acme):
    created = app.post("/api/v1/tasks", json={"title": "keep me"}, headers=acme.headers)
    assert created.status_code == 201
    before = app.get("/api/v1/tasks", headers=acme.headers).json()
    assert switch(app, acme, "tasks", False, cascade=True).status_code == 200
    assert app.get("/api/v1/tasks", headers=acme.headers).status_code == 404
    assert switch(app, acme, "tasks", True).status_code == 200
    after = app.get("/api/v1/tasks", headers=acme.headers).json()
    # The same records are back; the first enable (before the first request) seeded once.
    assert after == before
    assert sorted(task["title"] for task in after) == ["Welcome to tasks", "keep me"]


def test_first_enable_runs_the_enable_hook_exactly_once(app, acme):
    assert switch(app, acme, "tasks", False, cascade=True).status_code == 200
    assert switch(app, acme, "tasks", True).status_code == 200
    assert switch(app, acme, "tasks", False, cascade=True).status_code == 200
    assert switch(app, acme, "tasks", True).status_code == 200
    assert tasks.ENABLED == [("acme", "Welcome to tasks")]
    assert tasks.DISABLED == ["acme", "acme"]


def test_purge_dry_run_counts_then_removes_only_that_tenants_rows(app, acme, globex):
    for tenant in (acme, globex):
        for title in ("a", "b"):
            assert (
                app.post("/api/v1/tasks", json={"title": title}, headers=tenant.headers).status_code
                == 201
            )
    refused = app.post("/api/v1/features/tasks/purge", json={"dry_run": True}, headers=acme.headers)
    assert refused.status_code == 409
    assert switch(app, acme, "tasks", False, cascade=True).status_code == 200
    # Each tenant's rows: its two and the welcome task its first enable seeded.
    dry = app.post("/api/v1/features/tasks/purge", json={}, headers=acme.headers).json()
    assert dry == {"plugin": "tasks", "dry_run": True, "rows": {"tasks_task": 3}, "files": 0}
    done = app.post("/api/v1/features/tasks/purge", json={"dry_run": False}, headers=acme.headers)
    assert done.json()["rows"] == {"tasks_task": 3}
    assert features(app, acme)["tasks"]["state"] == "purged"
    assert len(app.get("/api/v1/tasks", headers=globex.headers).json()) == 3
    assert switch(app, acme, "tasks", True).status_code == 200
    titles = [task["title"] for task in app.get("/api/v1/tasks", headers=acme.headers).json()]
    assert titles == ["Welcome to tasks"], "purged rows stay gone; enabling again seeds afresh"


def test_plugins_route_shows_this_tenants_state(app, acme, globex):
    switch(app, acme, "reports", False)
    states = {
        p["name"]: p["state"] for p in app.get("/api/v1/plugins", headers=acme.headers).json()
    }
    assert states == {"hello": "enabled", "tasks": "enabled", "reports": "disabled"}
    others = {
        p["name"]: p["state"] for p in app.get("/api/v1/plugins", headers=globex.headers).json()
    }
    assert others["reports"] == "enabled"


def test_members_cannot_switch_features(app, nexus_database_url):
    member = make_tenant(nexus_database_url, role="member")
    assert switch(app, member, "hello", False).status_code == 403


def test_unknown_feature_is_404(app, acme):
    assert switch(app, acme, "nope", True).status_code == 404
