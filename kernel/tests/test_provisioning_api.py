"""Provisioning over HTTP: 202 and a run to follow, its event stream, 422 and 409."""

from __future__ import annotations

import json

import pytest
from kernel_samples import hello, reports, tasks
from nexus.provisioning import FAULT_VARIABLE, STEPS, profile_json_schema
from nexus.testing import create_test_client, make_platform_key, make_tenant


def profile(**changes):
    base = {
        "name": "Acme Shop",
        "slug": "acme",
        "preset": "base",
        "country": "FR",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "locale": "fr-FR",
        "admin": {"email": "ada@acme.example", "name": "Ada"},
        "features": {"hello": True, "tasks": True},
    }
    return base | changes


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database([hello, tasks, reports])


@pytest.fixture
def app(nexus_database_url):
    with create_test_client([hello, tasks, reports], database_url=nexus_database_url) as client:
        yield client


@pytest.fixture
def admin(app, nexus_database_url):
    return {"Authorization": f"Bearer {make_platform_key(nexus_database_url)}"}


def follow(client, location, headers):
    """Read the run's event stream to its end; return every run it sent."""
    runs = []
    with client.stream("GET", f"{location}/events", headers=headers) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        for line in response.iter_lines():
            if line.startswith("data: "):
                runs.append(json.loads(line[len("data: ") :]))
    return runs


def test_post_profile_answers_202_and_the_run_streams_to_an_active_tenant(app, admin):
    started = app.post("/api/v1/tenants", json=profile(), headers=admin)
    assert started.status_code == 202, started.text
    location = started.headers["location"]
    assert location == f"/api/v1/provisioning-runs/{started.json()['id']}"
    assert [step["name"] for step in started.json()["steps"]] == [s.name for s in STEPS]

    runs = follow(app, location, admin)
    last = runs[-1]
    assert last["status"] == "succeeded"
    assert {step["status"] for step in last["steps"]} == {"succeeded"}
    key = last["admin"]["api_key"]
    assert last["admin"]["email"] == "ada@acme.example"

    tenant_headers = {"Authorization": f"Bearer {key}"}
    assert app.get("/api/v1/hello", headers=tenant_headers).json() == {"hello": "world"}
    assert app.get("/api/v1/tasks", headers=tenant_headers).status_code == 200
    assert app.get("/api/v1/reports", headers=tenant_headers).status_code == 404  # not planned

    shown = app.get(location, headers=admin).json()
    assert shown["status"] == "succeeded"
    assert "admin" not in shown  # handed out once, in the stream
    tenant = app.get(f"/api/v1/tenants/{last['tenant_id']}", headers=admin).json()
    assert tenant["status"] == "active"

    taken = app.post("/api/v1/tenants", json=profile(name="Other"), headers=admin)
    assert taken.status_code == 409
    assert taken.headers["content-type"] == "application/problem+json"


def test_invalid_profile_is_422_listing_each_failing_field(app, admin):
    bad = profile(country="XX", timezone="Nowhere/City", features={"crm": True})
    bad["colour"] = "red"
    response = app.post("/api/v1/tenants", json=bad, headers=admin)
    assert response.status_code == 422
    assert response.headers["content-type"] == "application/problem+json"
    fields = sorted(error["key"] for error in response.json()["errors"])
    assert fields == ["colour", "country", "timezone"]
    unknown_feature = app.post(
        "/api/v1/tenants", json=profile(features={"crm": True}), headers=admin
    )
    assert unknown_feature.status_code == 422
    assert [e["key"] for e in unknown_feature.json()["errors"]] == ["features.crm"]


def test_provisioning_is_for_platform_admins(app, nexus_database_url):
    tenant = make_tenant(nexus_database_url, slug="member-co")
    assert app.post("/api/v1/tenants", json=profile()).status_code == 401
    assert app.post("/api/v1/tenants", json=profile(), headers=tenant.headers).status_code == 403


def test_unknown_run_is_404(app, admin):
    missing = "/api/v1/provisioning-runs/0190a5d2-0000-7000-8000-000000000000"
    assert app.get(missing, headers=admin).status_code == 404
    assert app.get(f"{missing}/events", headers=admin).status_code == 404


def test_business_profile_schema_is_published(app):
    response = app.get("/api/v1/schemas/business-profile")
    assert response.status_code == 200
    assert response.json() == profile_json_schema()
    openapi = app.get("/schema/openapi.json").json()
    assert "/api/v1/provisioning-runs/{run_id}/events" in openapi["paths"]
    assert "post" in openapi["paths"]["/api/v1/tenants"]


def test_a_failed_run_is_resumed_by_posting_the_profile_again(app, admin, monkeypatch):
    monkeypatch.setenv(FAULT_VARIABLE, "seed:raise")
    started = app.post("/api/v1/tenants", json=profile(), headers=admin)
    assert started.status_code == 202
    failed = follow(app, started.headers["location"], admin)[-1]
    assert failed["status"] == "failed"
    states = {step["name"]: step["status"] for step in failed["steps"]}
    assert states["seed"] == "failed"
    assert states["activate"] == "pending"
    assert "fault injected" in failed["error"]

    monkeypatch.delenv(FAULT_VARIABLE)
    again = app.post("/api/v1/tenants", json=profile(), headers=admin)
    assert again.status_code == 202
    assert again.headers["location"] == started.headers["location"]  # the same run
    done = follow(app, again.headers["location"], admin)[-1]
    assert done["status"] == "succeeded"
    assert done["admin"]["api_key"].startswith("nxk_")
