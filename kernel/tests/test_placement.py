"""Placement: a dedicated tenant provisioned from a profile lives in its own database.

It is served through the same routes (Piccolo queries included) and isolated as any other
tenant; its rows never reach the home database, and ``migrate_placed`` keeps its database
on the home one's schema.
"""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest
from kernel_samples import hello, tasks
from nexus.placement import ClusterKind, add_cluster, dedicated_database_name
from nexus.plugins import load_plugins
from nexus.schema import migrate_placed
from nexus.settings import Settings
from nexus.testing import (
    create_test_client,
    make_platform_key,
    migrated_database,
    run_sync,
)

PLUGINS = [hello, tasks]


def profile(slug: str, **changes: object) -> dict[str, object]:
    return {
        "name": slug.title(),
        "slug": slug,
        "preset": "base",
        "country": "FR",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "locale": "fr-FR",
        "admin": {"email": f"ada@{slug}.example", "name": "Ada"},
        "features": {"hello": True, "tasks": True},
    } | changes


def fetch(url: str, sql: str, *args: object) -> list[asyncpg.Record]:
    async def run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(url)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return run_sync(run())


@pytest.fixture(scope="module")
def home(nexus_postgres_server):
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def app(home):
    with create_test_client(PLUGINS, database_url=home) as client:
        yield client


@pytest.fixture(scope="module")
def admin(app, home):
    return {"Authorization": f"Bearer {make_platform_key(home)}"}


@pytest.fixture(scope="module")
def cluster(home, nexus_postgres_server):
    """A dedicated cluster: the test server, where each tenant gets a database of its own."""

    async def add() -> None:
        conn = await asyncpg.connect(home)
        try:
            await add_cluster(
                conn, name="dedicated-a", url=nexus_postgres_server, kind=ClusterKind.DEDICATED
            )
        finally:
            await conn.close()

    run_sync(add())
    return nexus_postgres_server


@pytest.fixture(scope="module")
def dedicated(app, admin, cluster):
    """Provision a dedicated tenant through the API; yield its id, key and database URL."""
    slug = f"big-{uuid.uuid4().hex[:8]}"
    started = app.post("/api/v1/tenants", json=profile(slug, placement="dedicated"), headers=admin)
    assert started.status_code == 202, started.text
    last = follow(app, started.headers["location"], admin)
    assert last["status"] == "succeeded", last
    tenant_id = uuid.UUID(last["tenant_id"])
    name = dedicated_database_name(tenant_id)
    yield tenant_id, last["admin"]["api_key"], cluster.rsplit("/", 1)[0] + f"/{name}"
    # The app's pool of that database closes with the module's app; force it off here.
    fetch(cluster, f'drop database if exists "{name}" with (force)')


def provision(app, admin, body):
    """Provision a tenant through the API; return its id and its admin's API key."""
    started = app.post("/api/v1/tenants", json=body, headers=admin)
    assert started.status_code == 202, started.text
    last = follow(app, started.headers["location"], admin)
    assert last["status"] == "succeeded", last
    return uuid.UUID(last["tenant_id"]), last["admin"]["api_key"]


def follow(client, location, headers):
    last = None
    with client.stream("GET", f"{location}/events", headers=headers) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                last = json.loads(line[len("data: ") :])
    return last


def test_a_dedicated_tenant_lives_in_its_own_database(app, admin, home, dedicated):
    tenant_id, key, own = dedicated
    [row] = fetch(
        home,
        "select cluster, database, status, placement from nexus_tenant where id = $1",
        tenant_id,
    )
    assert dict(row) == {
        "cluster": "dedicated-a",
        "database": dedicated_database_name(tenant_id),
        "status": "active",
        "placement": "dedicated",
    }
    shown = app.get(f"/api/v1/tenants/{tenant_id}", headers=admin).json()
    assert shown["status"] == "active"

    headers = {"Authorization": f"Bearer {key}"}
    created = app.post("/api/v1/tasks", json={"title": "ship it"}, headers=headers)
    assert created.status_code == 201, created.text
    titles = {task["title"] for task in app.get("/api/v1/tasks", headers=headers).json()}
    assert titles == {"Welcome to tasks", "ship it"}  # seeded at provisioning, then created

    # Every row of the tenant is in its own database, none in the home one.
    assert fetch(own, "select count(*) from tasks_task where tenant_id = $1", tenant_id)[0][0] == 2
    assert fetch(home, "select count(*) from tasks_task where tenant_id = $1", tenant_id)[0][0] == 0
    assert fetch(home, "select count(*) from nexus_user where tenant_id = $1", tenant_id)[0][0] == 0
    assert fetch(own, "select count(*) from nexus_user where tenant_id = $1", tenant_id)[0][0] == 1


def test_a_dedicated_tenant_is_isolated_like_any_other(app, admin, dedicated):
    tenant_id, key, own = dedicated
    shared = {"Authorization": f"Bearer {provision(app, admin, profile('small-co'))[1]}"}
    app.post("/api/v1/tasks", json={"title": "shared work"}, headers=shared)
    headers = {"Authorization": f"Bearer {key}"}
    app.post("/api/v1/tasks", json={"title": "dedicated work"}, headers=headers)

    theirs = {task["title"] for task in app.get("/api/v1/tasks", headers=shared).json()}
    ours = {task["title"] for task in app.get("/api/v1/tasks", headers=headers).json()}
    assert "dedicated work" not in theirs and "shared work" in theirs
    assert "shared work" not in ours and "dedicated work" in ours
    # An id of the dedicated tenant's answers the shared tenant what a missing one does.
    mine = next(task["id"] for task in app.get("/api/v1/tasks", headers=headers).json())
    assert mine not in {task["id"] for task in app.get("/api/v1/tasks", headers=shared).json()}
    assert fetch(own, "select count(*) from tasks_task where tenant_id <> $1", tenant_id)[0][0] == 0


def test_suspending_a_dedicated_tenant_reaches_its_database(app, admin, dedicated):
    tenant_id, key, own = dedicated
    headers = {"Authorization": f"Bearer {key}"}
    assert app.post(f"/api/v1/tenants/{tenant_id}/suspend", headers=admin).status_code == 200
    try:
        [row] = fetch(own, "select status from nexus_tenant where id = $1", tenant_id)
        assert row["status"] == "suspended"
        assert app.get("/api/v1/tasks", headers=headers).status_code == 403
    finally:
        assert app.post(f"/api/v1/tenants/{tenant_id}/resume", headers=admin).status_code == 200
    assert app.get("/api/v1/tasks", headers=headers).status_code == 200


def test_migrate_brings_dedicated_databases_to_the_home_schema(home, dedicated):
    _, _, own = dedicated
    settings = Settings(log_level="warning")
    registry = load_plugins(settings, plugins=PLUGINS)
    reports = run_sync(migrate_placed(settings, registry, database_url=home))
    assert own in reports
    assert all(not ids for ids in reports[own].applied.values())  # already up to date


def test_a_cluster_without_dedicated_placement_is_422(app, admin, cluster):
    response = app.post(
        "/api/v1/tenants", json=profile("odd-co", cluster="dedicated-a"), headers=admin
    )
    assert response.status_code == 422
    assert [error["key"] for error in response.json()["errors"]] == ["cluster"]


def test_an_unknown_cluster_fails_the_run_naming_it(app, admin, cluster):
    started = app.post(
        "/api/v1/tenants",
        json=profile("lost-co", placement="dedicated", cluster="nowhere"),
        headers=admin,
    )
    last = follow(app, started.headers["location"], admin)
    assert last["status"] == "failed"
    assert "dedicated cluster 'nowhere'" in json.dumps(last)
