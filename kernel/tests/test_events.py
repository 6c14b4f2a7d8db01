"""Events on the embedded default: outbox, relay, consumer groups, inbox, dead letters."""

from __future__ import annotations

from uuid import UUID

import asyncpg
import pytest
from cloudevents.core.formats.json import JSONFormat
from kernel_samples import ledger
from nexus.events import decode_event
from nexus.features._service import FEATURE_CHANGED
from nexus.plugins import load_plugins
from nexus.settings import Settings
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, run_sync


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for the ledger (a template copy)."""
    return nexus_migrated_database([ledger])


@pytest.fixture
def settings(nexus_database_url):
    return Settings(database_url=nexus_database_url, log_level="warning")


@pytest.fixture
def app(settings, nexus_database_url):
    with create_test_client([ledger], database_url=nexus_database_url, settings=settings) as c:
        yield c


@pytest.fixture
def registry(settings):
    return load_plugins(settings, plugins=[ledger])


@pytest.fixture(autouse=True)
def _no_failures():
    ledger.FAILING.clear()
    yield
    ledger.FAILING.clear()


def sql(url, query, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return run_sync(run())


def write(client, tenant, memo, **extra):
    return client.post("/api/v1/ledger/", json={"memo": memo, **extra}, headers=tenant.headers)


def test_write_commits_one_cloudevent_in_the_outbox(app, nexus_database_url):
    tenant = make_tenant(nexus_database_url)
    response = write(app, tenant, "first")
    assert response.status_code == 201
    rows = sql(
        nexus_database_url, "select tenant_id, plugin, type, envelope from nexus_event_outbox"
    )
    assert len(rows) == 1
    assert rows[0]["tenant_id"] == tenant.id
    assert rows[0]["plugin"] == "ledger"
    event = decode_event(rows[0]["envelope"])
    assert event.id == response.json()["event_id"]
    assert event.type == "ledger.entry.created.v1"
    assert event.tenantid == str(tenant.id)
    assert event.source == "/nexus/ledger"
    assert event.data["memo"] == "first"
    sdk = JSONFormat().read(None, rows[0]["envelope"]).get_attributes()  # valid for the SDK
    assert sdk["id"] == event.id
    assert sdk["specversion"] == "1.0"
    assert sdk["tenantid"] == str(tenant.id)


def test_rolled_back_write_leaves_no_event(app, nexus_database_url):
    tenant = make_tenant(nexus_database_url)
    assert write(app, tenant, "doomed", fail=True).status_code == 500
    assert sql(nexus_database_url, "select 1 from nexus_event_outbox") == []
    assert sql(nexus_database_url, "select 1 from ledger_entry") == []


def test_undeclared_event_type_is_refused(app, nexus_database_url):
    tenant = make_tenant(nexus_database_url)
    response = app.post("/api/v1/ledger/undeclared", headers=tenant.headers)
    assert response.status_code == 500
    assert sql(nexus_database_url, "select 1 from nexus_event_outbox") == []


def test_api_role_sees_only_its_tenants_outbox_rows(app, nexus_database_url, settings):
    first, second = make_tenant(nexus_database_url), make_tenant(nexus_database_url)
    write(app, first, "a")
    write(app, second, "b")

    async def visible(role, tenant_id):
        conn = await asyncpg.connect(nexus_database_url, server_settings={"role": role})
        try:
            async with conn.transaction():
                await conn.execute("select set_config('nexus.tenant_id', $1, true)", tenant_id)
                return await conn.fetchval("select count(*) from nexus_event_outbox")
        finally:
            await conn.close()

    assert run_sync(visible(settings.db_api_role, str(first.id))) == 1
    assert run_sync(visible(settings.db_api_role, "")) == 0
    assert run_sync(visible("nexus_relay", "")) == 2


def test_events_reach_plugin_audit_and_analytics_once(app, nexus_database_url, settings, registry):
    tenant = make_tenant(nexus_database_url)
    with EventWorkerHarness(app) as worker:
        ids = [write(app, tenant, f"m{i}").json()["event_id"] for i in range(5)]
        for consumer in ("ledger", "audit", "analytics"):
            worker.wait_handled(consumer, 5)
    # The plugin's deliveries apart from the kernel's consumers; events keeps them all.
    assert sorted(event.id for event in worker.deliveries("ledger")) == sorted(ids)
    assert worker.deliveries() == worker.deliveries("ledger")
    assert sorted({name for name, _ in worker.kernel_events}) == ["analytics", "audit"]
    assert len(worker.kernel_events) == 10
    assert len(worker.events) == 15
    effects = sql(nexus_database_url, "select event_id from ledger_effect order by event_id")
    assert [row["event_id"] for row in effects] == sorted(ids)
    audit = app.get("/api/v1/audit-log/", headers=tenant.headers).json()["items"]
    assert sorted(e["id"] for e in audit if e["action"] == ledger.CREATED) == sorted(ids)
    counts = app.get("/api/v1/analytics/events", headers=tenant.headers).json()
    assert [(c["type"], c["count"]) for c in counts] == [(ledger.CREATED, 5)]


def test_redelivery_after_a_consumer_dies_before_committing_has_no_second_effect(
    app, nexus_database_url, settings, registry
):
    tenant = make_tenant(nexus_database_url)
    with EventWorkerHarness(app) as worker:
        for i in range(3):
            write(app, tenant, f"m{i}")
        worker.wait_handled("ledger", 3)
    # As if the worker died after the effects committed but before the offset did.
    sql(nexus_database_url, "update nexus_event_offset set position = 0 where consumer = 'ledger'")
    with EventWorkerHarness(app) as worker:
        worker.wait_redelivered("ledger", 3)
        assert worker.handled["ledger"] == 0
    assert sql(nexus_database_url, "select count(*) from ledger_effect")[0][0] == 3


def test_disabled_plugin_handlers_are_not_called_for_that_tenant(
    app, nexus_database_url, settings, registry
):
    off, on = make_tenant(nexus_database_url), make_tenant(nexus_database_url)
    with EventWorkerHarness(app) as worker:
        write(app, off, "before")
        write(app, on, "x")
        worker.wait_handled("ledger", 2)
        switched = app.put("/api/v1/features/ledger", json={"enabled": False}, headers=off.headers)
        assert switched.status_code == 200
        write(app, on, "y")
        worker.wait_handled("ledger", 3)
        worker.wait_handled("audit", 4)  # 3 writes + the feature change: kernel consumers
    per_tenant = sql(nexus_database_url, "select tenant_id, count(*) from ledger_effect group by 1")
    assert dict((row[0], row[1]) for row in per_tenant) == {off.id: 1, on.id: 2}


def test_feature_change_emits_event_and_one_audit_entry(app, nexus_database_url, settings):
    tenant = make_tenant(nexus_database_url)
    with EventWorkerHarness(app) as worker:
        app.put("/api/v1/features/ledger", json={"enabled": False}, headers=tenant.headers)
        worker.wait_handled("audit", 1)
    rows = sql(nexus_database_url, "select type, envelope from nexus_event_outbox")
    assert [row["type"] for row in rows] == [FEATURE_CHANGED]
    event = decode_event(rows[0]["envelope"])
    assert event.data == {
        "key": "ledger",
        "before": "enabled",
        "after": "disabled",
        "actor": event.data["actor"],
    }
    audit = sql(nexus_database_url, "select id, action from nexus_audit_log")
    assert [(row["id"], row["action"]) for row in audit] == [(UUID(event.id), "feature.changed")]


def test_poison_event_is_parked_then_redriven(app, nexus_database_url, settings, registry):
    from nexus.events import dead_letters, redrive

    tenant = make_tenant(nexus_database_url)
    ledger.FAILING.add("poison")
    with EventWorkerHarness(app) as worker:
        worker.runtime.delivery.backoff_s = 0.001
        write(app, tenant, "poison")
        write(app, tenant, "fine")
        worker.wait_handled("ledger", 1)  # the consumer moved on past the poison event
        worker.wait_handled("audit", 2)
        runtime = worker.runtime

        async def parked():
            return await dead_letters(runtime.relay_db)

        letters = worker.call(parked)
        assert [(d.consumer, d.attempts) for d in letters] == [("ledger", 5)]
        ledger.FAILING.clear()

        async def again():
            return await redrive(runtime.relay_db, runtime.delivery, runtime.consumers)

        assert worker.call(again) == (1, 0)
        assert worker.call(parked) == []
    assert sql(nexus_database_url, "select count(*) from ledger_effect")[0][0] == 2


def test_a_batch_handles_each_tenants_run_in_one_transaction_and_isolates_a_poison_event(
    app, nexus_database_url
):
    first, second = make_tenant(nexus_database_url), make_tenant(nexus_database_url)
    ledger.FAILING.add("poison")
    # Written before the worker starts, so the consumer reads them as one batch.
    ids = {
        memo: write(app, tenant, memo).json()["event_id"]
        for tenant, memo in [
            (first, "a0"),
            (second, "b0"),
            (first, "a1"),
            (first, "poison"),
            (second, "b1"),
            (first, "a2"),
        ]
    }
    with EventWorkerHarness(app) as worker:
        worker.runtime.delivery.backoff_s = 0.001
        worker.wait_handled("ledger", 5)
        handled = [event.id for event in worker.deliveries("ledger")]

    # Log order is kept per tenant; the poison event alone is parked, nothing runs twice.
    by_memo = {event_id: memo for memo, event_id in ids.items()}
    assert [by_memo[i] for i in handled if by_memo[i].startswith("a")] == ["a0", "a1", "a2"]
    assert [by_memo[i] for i in handled if by_memo[i].startswith("b")] == ["b0", "b1"]
    effects = sql(nexus_database_url, "select event_id from ledger_effect")
    assert sorted(str(row["event_id"]) for row in effects) == sorted(
        ids[memo] for memo in ("a0", "a1", "a2", "b0", "b1")
    )
    parked = sql(nexus_database_url, "select event_id, attempts from nexus_event_dead_letter")
    assert [(str(row["event_id"]), row["attempts"]) for row in parked] == [(ids["poison"], 5)]
    # Rows written by one transaction share its xmin: the second tenant's run was one
    # transaction; the first's fell back to one event per transaction up to the poison one.
    transactions = sql(
        nexus_database_url,
        "select tenant_id, count(distinct xmin::text) from nexus_event_inbox "
        "where consumer = 'ledger' group by tenant_id",
    )
    assert dict((row[0], row[1]) for row in transactions) == {first.id: 3, second.id: 1}
