"""Visitor routes and the ``Background`` port (contract 0.1.3).

``kernel_samples.lobby`` serves a visitor route (no credentials, the tenant named by its
slug in the path) and runs a line server from ``nexus_background``; both write through
``depot.hold``, so row-level security, services and the outbox are what is checked.
"""

from __future__ import annotations

import asyncio

import asyncpg
import pytest
from kernel_samples import depot, lobby
from nexus.settings import Settings
from nexus.tenancy import TenantStatus
from nexus.testing import create_test_client, make_tenant, migrated_database, run_sync

PLUGINS = [depot, lobby]


@pytest.fixture(scope="module")
def database_url(nexus_postgres_server):
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def app(database_url):
    settings = Settings(database_url=database_url, log_level="warning")
    with create_test_client(PLUGINS, database_url=database_url, settings=settings) as client:
        yield client


def _holds(url, tenant_id):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval(
                "select count(*) from depot_hold where tenant_id = $1 and origin <> 'seed'",
                tenant_id,
            )
        finally:
            await conn.close()

    return run_sync(run())


def _ask(line: str) -> str:
    async def run() -> str:
        reader, writer = await asyncio.open_connection("127.0.0.1", lobby.SERVER["port"])
        writer.write(line.encode() + b"\n")
        await writer.drain()
        answer = await reader.readline()
        writer.close()
        return answer.decode().strip()

    return run_sync(run())


def test_a_visitor_acts_in_the_tenant_its_path_names_without_credentials(app, database_url):
    shop, other = make_tenant(database_url), make_tenant(database_url)

    reply = app.post(f"/api/v1/lobby/public/{shop.slug}/holds", json={"origin": "walk-in"})

    assert reply.status_code == 200, reply.text
    body = reply.json()
    assert body["actor"] is None
    assert body["tenant_id"] == str(shop.id)
    assert body["visible"] == 2  # its seed hold and this one: never another tenant's
    assert _holds(database_url, shop.id) == 1
    assert _holds(database_url, other.id) == 0


@pytest.mark.parametrize(
    "slug",
    ["no-such-shop", "suspended", "deprovisioned"],
    ids=["unknown", "suspended", "deprovisioned"],
)
def test_a_visitor_route_of_a_tenant_that_is_not_active_answers_404(app, database_url, slug):
    if slug != "no-such-shop":
        slug = make_tenant(database_url, status=TenantStatus(slug)).slug

    reply = app.post(f"/api/v1/lobby/public/{slug}/holds", json={"origin": "walk-in"})

    assert reply.status_code == 404
    assert reply.headers["content-type"].startswith("application/problem+json")


def test_a_visitor_route_is_404_while_its_plugin_or_feature_is_off(app, database_url):
    shop = make_tenant(database_url)
    assert app.get(f"/api/v1/lobby/public/{shop.slug}/quiet").status_code == 404

    app.put("/api/v1/features/lobby.quiet", json={"enabled": True}, headers=shop.headers)
    assert app.get(f"/api/v1/lobby/public/{shop.slug}/quiet").text == f"quiet in {shop.slug}"

    app.put("/api/v1/features/lobby", json={"enabled": False}, headers=shop.headers)
    assert app.get(f"/api/v1/lobby/public/{shop.slug}/quiet").status_code == 404
    gone = app.post(f"/api/v1/lobby/public/{shop.slug}/holds", json={"origin": "walk-in"})
    assert gone.status_code == 404


def test_visitor_routes_are_documented_without_a_security_requirement(app):
    operation = app.get("/schema/openapi.json").json()["paths"][
        "/api/v1/lobby/public/{tenant}/holds"
    ]["post"]
    assert not operation.get("security")
    assert "404" in operation["responses"]


def test_background_work_acts_as_one_tenant_through_services(app, database_url):
    shop, other = make_tenant(database_url), make_tenant(database_url)

    assert _ask(f"hold {shop.slug} by-post") == "held 2"
    assert _ask(f"hold {shop.slug} by-post") == "held 3"
    assert _ask("hold no-such-shop by-post") == "no-tenant"
    assert _holds(database_url, shop.id) == 2
    assert _holds(database_url, other.id) == 0


def test_background_connection_in_no_tenant_sees_no_tenants_rows(app, database_url):
    shop = make_tenant(database_url)
    assert _ask(f"hold {shop.slug} by-post") == "held 2"

    assert _ask("count") == "count 0"


def test_background_events_go_through_the_outbox_as_the_plugins(app, database_url):
    shop = make_tenant(database_url)

    assert _ask(f"event {shop.slug}") == "rang"

    async def outbox():
        conn = await asyncpg.connect(database_url)
        try:
            return await conn.fetch(
                "select plugin, type from nexus_event_outbox where tenant_id = $1", shop.id
            )
        finally:
            await conn.close()

    assert [(row["plugin"], row["type"]) for row in run_sync(outbox())] == [
        ("lobby", "lobby.rang.v1")
    ]


def test_background_files_are_the_tenants(app, database_url):
    shop = make_tenant(database_url)

    assert _ask(f"file {shop.slug}") == "file left by the lobby"


def test_background_lists_the_active_tenants_with_the_plugin_on(app, database_url):
    on, off = make_tenant(database_url), make_tenant(database_url)
    suspended = make_tenant(database_url, status=TenantStatus.SUSPENDED)
    app.put("/api/v1/features/lobby", json={"enabled": False}, headers=off.headers)

    listed = _ask("tenants").split()[1:]

    assert str(on.id) in listed
    assert str(off.id) not in listed
    assert str(suspended.id) not in listed
