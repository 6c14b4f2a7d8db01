"""Handlers with an EventContext, and the ``features`` and ``plugin_settings`` ports."""

from __future__ import annotations

import json

import asyncpg
import pytest
from kernel_samples import echo, ledger
from nexus.events import decode_event
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, run_sync


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database([ledger, echo])


@pytest.fixture
def app(nexus_database_url):
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    with create_test_client(
        [ledger, echo], database_url=nexus_database_url, settings=settings
    ) as client:
        yield client


def sql(url, query, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return run_sync(run())


def keep_settings(url, tenant, values):
    sql(
        url,
        "insert into nexus_plugin_enablement (tenant_id, plugin, settings) "
        "values ($1, 'echo', $2::jsonb) on conflict (tenant_id, plugin) "
        "do update set settings = excluded.settings",
        tenant.id,
        json.dumps(values),
    )


def heard(url, tenant):
    rows = sql(
        url,
        "select envelope from nexus_event_outbox where tenant_id = $1 and type = $2",
        tenant.id,
        echo.HEARD,
    )
    return [decode_event(row["envelope"]) for row in rows]


def test_route_ports_read_the_tenants_features_and_settings(app, nexus_database_url):
    quiet, loud = make_tenant(nexus_database_url), make_tenant(nexus_database_url)
    keep_settings(nexus_database_url, loud, {"prefix": "hey"})
    flipped = app.put("/api/v1/features/echo.loud", json={"enabled": True}, headers=loud.headers)
    assert flipped.status_code == 200, flipped.text

    assert app.get("/api/v1/echo/", headers=quiet.headers).json() == {
        "loud": False,
        "prefix": "echo",  # never enabled with settings: the Struct's defaults
    }
    assert app.get("/api/v1/echo/", headers=loud.headers).json() == {"loud": True, "prefix": "hey"}


def test_handler_context_publishes_in_the_delivery_with_the_tenants_view(app, nexus_database_url):
    quiet, loud = make_tenant(nexus_database_url), make_tenant(nexus_database_url)
    keep_settings(nexus_database_url, loud, {"prefix": "hey"})
    app.put("/api/v1/features/echo.loud", json={"enabled": True}, headers=loud.headers)
    with EventWorkerHarness(app) as worker:
        sent = {}
        for tenant in (quiet, loud):
            reply = app.post("/api/v1/ledger/", json={"memo": "m"}, headers=tenant.headers)
            sent[tenant.id] = reply.json()["event_id"]
        worker.wait_handled("echo", 2)

    for tenant, prefix, is_loud in ((quiet, "echo", False), (loud, "hey", True)):
        [event] = heard(nexus_database_url, tenant)
        assert event.source == "/nexus/echo"
        assert event.subject == sent[tenant.id]
        # The handler's connection is the tenant's: it counts that tenant's entries only.
        assert event.data == {
            "prefix": prefix,
            "loud": is_loud,
            "entries": 1,
            "of": sent[tenant.id],
        }
        # The handler's files store is the tenant's too.
        blobs = kernel_of(app.app).blobs
        stored = run_sync(blobs.for_tenant(tenant.id).get(f"echo/{sent[tenant.id]}.txt"))
        assert stored == prefix.encode()
    with pytest.raises(KeyError):
        run_sync(blobs.for_tenant(quiet.id).get(f"echo/{sent[loud.id]}.txt"))
