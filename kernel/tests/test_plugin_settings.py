"""Plugin settings per tenant: held by every process, changed by tenant admins, validated;
and each plugin's first enablement guaranteed before it serves a tenant."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import asyncpg
import pytest
from kernel_samples import desk, hello, ledger
from nexus.services import kernel_of
from nexus.settings import Settings
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    run_sync,
    set_plugin_settings,
)

SETTINGS = "/api/v1/plugins/desk/settings"
PLUGINS = [hello, ledger, desk]


@pytest.fixture(autouse=True)
def _fresh_records():
    desk.ENABLED.clear()
    desk.HANDLED.clear()


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Every test's database starts migrated for its plugins (a template copy)."""
    return nexus_migrated_database(PLUGINS)


@pytest.fixture
def app(nexus_database_url):
    with create_test_client(PLUGINS, database_url=nexus_database_url) as client:
        yield client


def sql(url, query, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return run_sync(run())


def enabled_times(tenant) -> int:
    return sum(1 for tenant_id, _ in desk.ENABLED if tenant_id == tenant.id)


def test_get_shows_the_values_and_the_json_schema(app, nexus_database_url):
    acme = make_tenant(nexus_database_url)
    shown = app.get(SETTINGS, headers=acme.headers)
    assert shown.status_code == 200, shown.text
    body = shown.json()
    assert body["plugin"] == "desk"
    assert body["values"] == {"default_sla_hours": 24, "greeting": "Hello", "channels": ["mail"]}
    assert body["enabled"] is False
    assert body["schema"]["type"] == "object"
    assert body["schema"]["properties"]["default_sla_hours"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 720,
        "default": 24,
    }
    assert app.get("/api/v1/plugins/nope/settings", headers=acme.headers).status_code == 404
    # A plugin without a settings type has no settings resource.
    assert app.get("/api/v1/plugins/hello/settings", headers=acme.headers).status_code == 404
    refused = app.put("/api/v1/plugins/hello/settings", json={}, headers=acme.headers)
    assert refused.status_code == 404


def test_a_value_the_type_refuses_answers_422_naming_every_field(app, nexus_database_url):
    acme = make_tenant(nexus_database_url)
    refused = app.put(
        SETTINGS,
        json={"default_sla_hours": "x", "channels": "mail", "colour": "red"},
        headers=acme.headers,
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"
    errors = {error["key"]: error for error in refused.json()["errors"]}
    assert set(errors) == {"default_sla_hours", "channels", "colour"}
    assert all(error["source"] == "body" for error in errors.values())
    assert "unknown setting" in errors["colour"]["message"]
    out_of_range = app.patch(SETTINGS, json={"default_sla_hours": 0}, headers=acme.headers)
    assert out_of_range.status_code == 422
    assert [e["key"] for e in out_of_range.json()["errors"]] == ["default_sla_hours"]
    assert app.get(SETTINGS, headers=acme.headers).json()["values"]["default_sla_hours"] == 24


def test_a_change_is_audited_and_read_by_the_next_request(app, nexus_database_url):
    acme = make_tenant(nexus_database_url)
    assert app.get("/api/v1/desk", headers=acme.headers).json() == {"sla": 24, "greeting": "Hello"}
    changed = app.put(SETTINGS, json={"default_sla_hours": 8}, headers=acme.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["values"]["default_sla_hours"] == 8
    patched = app.patch(SETTINGS, json={"greeting": "Hi"}, headers=acme.headers)
    assert patched.json()["values"] == {
        "default_sla_hours": 8,
        "greeting": "Hi",
        "channels": ["mail"],
    }
    assert app.get("/api/v1/desk", headers=acme.headers).json() == {"sla": 8, "greeting": "Hi"}
    audit = app.get(
        "/api/v1/audit-log",
        params={"action": "plugin.settings.changed"},
        headers=acme.headers,
    ).json()["items"]
    assert [(e["target"], e["before"]["settings"]["default_sla_hours"]) for e in audit] == [
        ("desk", 24),
        ("desk", 8),
    ]
    assert audit[-1]["after"]["settings"]["greeting"] == "Hi"
    events = sql(
        nexus_database_url,
        "select count(*) from nexus_event_outbox where tenant_id = $1 and type = $2",
        acme.id,
        "nexus.plugin.settings_changed.v1",
    )
    assert events[0]["count"] == 2


def test_another_tenant_neither_sees_nor_changes_them(app, nexus_database_url):
    acme, globex = make_tenant(nexus_database_url), make_tenant(nexus_database_url)
    app.put(SETTINGS, json={"default_sla_hours": 2}, headers=acme.headers)
    assert app.get(SETTINGS, headers=globex.headers).json()["values"]["default_sla_hours"] == 24
    app.put(SETTINGS, json={"default_sla_hours": 99}, headers=globex.headers)
    assert app.get(SETTINGS, headers=acme.headers).json()["values"]["default_sla_hours"] == 2
    assert app.get("/api/v1/desk", headers=acme.headers).json()["sla"] == 2
    audit = app.get("/api/v1/audit-log", headers=globex.headers).json()["items"]
    assert [e["after"]["settings"]["default_sla_hours"] for e in audit] == [99]


def test_members_may_not_read_or_change_them(app, nexus_database_url):
    member = make_tenant(nexus_database_url, role="member")
    assert app.get(SETTINGS, headers=member.headers).status_code == 403
    assert app.put(SETTINGS, json={}, headers=member.headers).status_code == 403


def test_a_change_reaches_another_process_without_restart(nexus_database_url):
    settings = Settings(log_level="warning")
    first = create_test_client(PLUGINS, database_url=nexus_database_url, settings=settings)
    second = create_test_client(
        PLUGINS, database_url=nexus_database_url, settings=settings, run_migrations=False
    )
    with first, second:
        acme = make_tenant(nexus_database_url)
        assert second.get("/api/v1/desk", headers=acme.headers).json()["sla"] == 24
        heard = threading.Event()
        kernel_of(second.app).features.toggles.observe(lambda tenant_id: heard.set())
        changed = first.put(SETTINGS, json={"default_sla_hours": 4}, headers=acme.headers)
        assert changed.status_code == 200, changed.text
        assert heard.wait(timeout=10), "the second process never heard of the change"
        assert second.get("/api/v1/desk", headers=acme.headers).json()["sla"] == 4


def test_the_enable_hook_runs_once_before_the_first_request_even_when_concurrent(
    nexus_database_url,
):
    settings = Settings(log_level="warning")
    first = create_test_client(PLUGINS, database_url=nexus_database_url, settings=settings)
    second = create_test_client(
        PLUGINS, database_url=nexus_database_url, settings=settings, run_migrations=False
    )
    with first, second:
        acme = make_tenant(nexus_database_url)  # no preset: every plugin on, none enabled
        assert enabled_times(acme) == 0
        clients = [first, second] * 4
        with ThreadPoolExecutor(max_workers=len(clients)) as pool:
            answers = list(pool.map(lambda c: c.get("/api/v1/desk", headers=acme.headers), clients))
        assert [a.status_code for a in answers] == [200] * len(clients)
        assert enabled_times(acme) == 1
        rows = sql(
            nexus_database_url,
            "select first_enabled_at is not null as done from nexus_plugin_enablement "
            "where tenant_id = $1 and plugin = 'desk'",
            acme.id,
        )
        assert [row["done"] for row in rows] == [True]
        assert first.get(SETTINGS, headers=acme.headers).json()["enabled"] is True
        assert second.get("/api/v1/desk", headers=acme.headers).status_code == 200
        assert enabled_times(acme) == 1


def test_the_enable_hook_runs_before_the_first_event_delivery(app, nexus_database_url):
    acme = make_tenant(nexus_database_url)
    with EventWorkerHarness(app) as worker:
        # A ledger write: desk never served acme, but handles ledger events.
        reply = app.post("/api/v1/ledger/", json={"memo": "m"}, headers=acme.headers)
        assert reply.status_code == 201, reply.text
        worker.wait_handled("desk", 1)
    handled = list(desk.HANDLED)
    assert handled == [(acme.id, 1)], "the hook ran once, before the handler"
    assert enabled_times(acme) == 1


def test_settings_given_before_the_first_enable_reach_the_enable_hook(app, nexus_database_url):
    acme = make_tenant(nexus_database_url)
    set_plugin_settings(nexus_database_url, acme, "desk", {"default_sla_hours": 12})
    assert app.get("/api/v1/desk", headers=acme.headers).json()["sla"] == 12
    hook_calls = list(desk.ENABLED)
    assert hook_calls == [(acme.id, 12)]


def test_set_plugin_settings_refuses_a_value_the_type_refuses(app, nexus_database_url):
    acme = make_tenant(nexus_database_url)
    with pytest.raises(ValueError, match="default_sla_hours"):
        set_plugin_settings(nexus_database_url, acme, "desk", {"default_sla_hours": "x"})
    with pytest.raises(ValueError, match="colour"):
        set_plugin_settings(nexus_database_url, acme, "desk", {"colour": "red"})
    assert app.get("/api/v1/desk", headers=acme.headers).json()["sla"] == 24


def test_set_plugin_settings_reaches_a_running_app(app, nexus_database_url):
    acme = make_tenant(nexus_database_url)
    assert app.get("/api/v1/desk", headers=acme.headers).json()["sla"] == 24
    heard = threading.Event()
    kernel_of(app.app).features.toggles.observe(lambda tenant_id: heard.set())
    set_plugin_settings(nexus_database_url, acme, "desk", {"default_sla_hours": 6})
    assert heard.wait(timeout=10)
    assert app.get("/api/v1/desk", headers=acme.headers).json()["sla"] == 6
    assert enabled_times(acme) == 1, "already enabled: only the settings change"
