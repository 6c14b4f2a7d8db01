"""The services port: one plugin calls another's operation inside its own transaction.

``kernel_samples.depot`` offers ``depot.hold`` and ``depot.get``; ``kernel_samples.counter``
calls them from routes (the ``services`` dependency) and from an event handler
(``ctx.services``) without importing depot. ``kernel_samples.thief`` registers a service in
depot's name and is refused at load.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import uuid4

import asyncpg
import msgspec
import pytest
from click.testing import CliRunner
from kernel_samples import counter, depot, thief
from nexus.cli import _services, cli
from nexus.plugins import PluginState, diagnose, load_plugins
from nexus.settings import Settings
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    run_sync,
)
from nexus_hookspecs import Manifest, Service, hookimpl

PLUGINS = [depot, counter]


@pytest.fixture(scope="module")
def database_url(nexus_postgres_server):
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def app(database_url):
    settings = Settings(database_url=database_url, log_level="warning")
    with create_test_client(PLUGINS, database_url=database_url, settings=settings) as client:
        yield client


def sql(url, query, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return run_sync(run())


def holds(url, tenant):
    rows = sql(
        url,
        "select origin from depot_hold where tenant_id = $1 and origin <> 'seed' order by id",
        tenant.id,
    )
    return [row["origin"] for row in rows]


def published(url, tenant, type_):
    rows = sql(
        url,
        "select plugin from nexus_event_outbox where tenant_id = $1 and type = $2",
        tenant.id,
        type_,
    )
    return [row["plugin"] for row in rows]


def test_a_call_writes_in_the_callers_transaction_with_the_providers_events(app, database_url):
    tenant = make_tenant(database_url)
    reply = app.post(
        "/api/v1/counter/hold", json={"origin": "SO-1", "quantity": 2}, headers=tenant.headers
    )
    assert reply.status_code == 200, reply.text
    body = reply.json()
    # Converted into the caller's own Struct; the first call ran depot's enable hook (its
    # seed hold is visible besides the new one) and depot's default settings.
    assert body["quantity"] == 2
    assert body["limit"] == 10
    assert body["visible"] == 2
    assert body["loud"] is False
    assert holds(database_url, tenant) == ["SO-1"]
    # The event is the provider's (its declared type, its source), in the same commit.
    assert published(database_url, tenant, depot.HELD) == ["depot"]


def test_the_callers_rollback_undoes_the_providers_write_and_event(app, database_url):
    tenant = make_tenant(database_url)
    reply = app.post(
        "/api/v1/counter/hold",
        json={"origin": "SO-2", "quantity": 1, "fail": True},
        headers=tenant.headers,
    )
    assert reply.status_code == 409, reply.text
    assert holds(database_url, tenant) == []
    assert published(database_url, tenant, depot.HELD) == []


def test_the_provider_sees_the_callers_tenant_only(app, database_url):
    one, two = make_tenant(database_url), make_tenant(database_url)
    for origin in ("A-1", "A-2"):
        app.post(
            "/api/v1/counter/hold", json={"origin": origin, "quantity": 1}, headers=one.headers
        )
    reply = app.post(
        "/api/v1/counter/hold", json={"origin": "B-1", "quantity": 1}, headers=two.headers
    )
    assert reply.json()["visible"] == 2  # its seed and its own hold, none of tenant one's
    held = reply.json()["id"]
    assert app.get(f"/api/v1/counter/holds/{held}", headers=two.headers).status_code == 200
    # Another tenant's hold answers 404, as the provider's not_found propagates.
    assert app.get(f"/api/v1/counter/holds/{held}", headers=one.headers).status_code == 404
    assert app.get(f"/api/v1/counter/holds/{uuid4()}", headers=two.headers).status_code == 404


def test_the_providers_settings_and_its_problems_reach_the_caller(app, database_url):
    tenant = make_tenant(database_url)
    sql(
        database_url,
        "insert into nexus_plugin_enablement (tenant_id, plugin, settings) "
        "values ($1, 'depot', $2::jsonb)",
        tenant.id,
        json.dumps({"limit": 3}),
    )
    assert app.put(
        "/api/v1/features/depot.loud", json={"enabled": True}, headers=tenant.headers
    ).is_success
    reply = app.post(
        "/api/v1/counter/hold", json={"origin": "S-1", "quantity": 3}, headers=tenant.headers
    )
    assert (reply.json()["limit"], reply.json()["loud"]) == (3, True)
    refused = app.post(
        "/api/v1/counter/hold", json={"origin": "S-2", "quantity": 4}, headers=tenant.headers
    )
    assert refused.status_code == 409, refused.text
    assert refused.json()["origin"] == "S-2"
    assert refused.json()["limit"] == 3
    assert holds(database_url, tenant) == ["S-1"]


def test_a_provider_disabled_for_the_tenant_answers_409_naming_it(app, database_url):
    tenant = make_tenant(database_url)
    off = app.put("/api/v1/features/depot", json={"enabled": False}, headers=tenant.headers)
    assert off.status_code == 200, off.text
    reply = app.post(
        "/api/v1/counter/hold", json={"origin": "X", "quantity": 1}, headers=tenant.headers
    )
    assert reply.status_code == 409, reply.text
    assert reply.json()["blocking"] == ["depot"]
    available = app.get("/api/v1/counter/available", headers=tenant.headers).json()
    assert available == {"depot.hold": False, "nowhere.do": False}
    other = make_tenant(database_url)
    available = app.get("/api/v1/counter/available", headers=other.headers).json()
    assert available == {"depot.hold": True, "nowhere.do": False}


def test_a_provider_not_installed_answers_409_naming_it(app, database_url):
    tenant = make_tenant(database_url)
    reply = app.post("/api/v1/counter/nowhere", headers=tenant.headers)
    assert reply.status_code == 409, reply.text
    assert reply.json()["blocking"] == ["nowhere"]


@pytest.mark.parametrize(("kind", "field"), [("request", "quantity"), ("answer", "id")])
def test_data_and_answers_convert_strictly_or_raise_a_type_error(app, database_url, kind, field):
    tenant = make_tenant(database_url)
    reply = app.post(f"/api/v1/counter/wrong/{kind}", headers=tenant.headers)
    assert reply.status_code == 200, reply.text
    error = reply.json()["error"]
    assert "depot.hold" in error
    assert field in error


def test_an_event_handler_calls_services_in_the_delivery(app, database_url):
    tenant = make_tenant(database_url)
    with EventWorkerHarness(app) as worker:
        reply = app.post(
            "/api/v1/counter/ask", json={"origin": "EV-1", "quantity": 1}, headers=tenant.headers
        )
        assert reply.status_code == 200, reply.text
        worker.wait_handled("counter", 1)
    assert holds(database_url, tenant) == ["EV-1"]
    assert published(database_url, tenant, depot.HELD) == ["depot"]


def test_a_service_named_for_another_plugin_is_refused_at_load():
    registry = load_plugins(Settings(), plugins=[depot, thief])
    record = registry.get("thief")
    assert record is not None
    assert record.state is PluginState.FAILED
    assert "depot.steal" in (record.reason or "")
    assert set(registry.services()) == {"depot.hold", "depot.get"}
    findings = [finding.line() for finding in diagnose(registry) if finding.plugin == "thief"]
    assert findings
    assert "depot.steal" in findings[0]


def test_the_catalogue_lists_each_service_with_its_schemas(monkeypatch):

    registry = load_plugins(Settings(), plugins=PLUGINS)
    monkeypatch.setattr(_services, "load_plugins", lambda settings: registry)
    result = CliRunner().invoke(cli, ["services", "catalog", "--json"])
    assert result.exit_code == 0, result.output
    entries = {entry["name"]: entry for entry in json.loads(result.output)}
    assert set(entries) == {"depot.hold", "depot.get"}
    hold = entries["depot.hold"]
    assert (hold["plugin"], hold["request"], hold["response"]) == ("depot", "HoldIn", "HoldOut")
    assert hold["request_schema"]["$defs"]["HoldIn"]["required"] == ["origin", "quantity"]
    assert "visible" in hold["response_schema"]["$defs"]["HoldOut"]["properties"]
    page = _services.render_service_catalog(_services.service_catalog(registry))
    assert "## `depot.hold`" in page
    assert "Writes a hold; publishes depot.held.v1." in page


def _provider(name: str, hookspecs: str, *services: Any, raises: bool = False) -> object:
    """A plugin object offering ``services`` (or raising in ``nexus_services``)."""

    class Plugin:
        @staticmethod
        @hookimpl
        def nexus_manifest() -> Manifest:
            return Manifest(name=name, version="0.1.0", title=name.title(), hookspecs=hookspecs)

        @staticmethod
        @hookimpl
        def nexus_services(register: Any) -> None:
            if raises:
                raise RuntimeError("no services today")
            for service in services:
                register(service)

    return Plugin()


class Empty(msgspec.Struct):
    pass


async def _nothing(data: Any, ctx: Any) -> None:
    return None


@pytest.mark.parametrize(
    ("services", "raises", "reason"),
    [
        (
            (Service(name="p.x", handler=_nothing, request=dict, response=None, description="d"),),
            False,
            "request must be a msgspec Struct",
        ),
        (
            (Service(name="p.x", handler=_nothing, request=Empty, response=None, description="d"),)
            * 2,
            False,
            "registered twice",
        ),
        (
            (Service(name="p", handler=_nothing, request=Empty, response=None, description="d"),),
            False,
            "'<plugin>.<verb>'",
        ),
        (
            (Service(name="p.x", handler=_nothing, request=Empty, response=None, description=""),),
            False,
            "no description",
        ),
        ((), True, "nexus_services failed: RuntimeError"),
    ],
    ids=["request-not-a-struct", "twice", "no-verb", "no-description", "hook-raises"],
)
def test_a_plugin_with_refused_services_is_skipped_with_the_reason(services, raises, reason):
    registry = load_plugins(
        Settings(), plugins=[_provider("p", ">=0.1.2,<0.2", *services, raises=raises)]
    )
    record = registry.get("p")
    assert record is not None
    assert record.state is PluginState.FAILED
    assert reason in (record.reason or "")
    assert registry.services() == {}


def test_the_doctor_warns_a_provider_whose_range_admits_a_contract_without_services():
    service = Service(name="old.x", handler=_nothing, request=Empty, response=None, description="d")
    registry = load_plugins(Settings(), plugins=[_provider("old", ">=0.1,<0.2", service)])
    assert set(registry.services()) == {"old.x"}  # it loads and serves
    [finding] = [finding for finding in diagnose(registry) if finding.plugin == "old"]
    assert (finding.check, finding.level) == ("services", "warning")
    assert ">=0.1.2,<0.2" in finding.problem
