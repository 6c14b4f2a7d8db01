"""WebSocket routes of plugins (contract 0.1.5) pass the gate and get the ports.

``kernel_samples.intercom`` serves ``/ws``: the handshake is authenticated (the
``Authorization`` header, or ``?access_token=`` for browsers), acts in the caller's tenant,
checks the route's permission and feature, and each message writes through ``depot.hold``
in the tenant's transaction, publishes an event and counts in the tenant's cache.
"""

from __future__ import annotations

import asyncpg
import pytest
from kernel_samples import depot, intercom
from litestar.exceptions import WebSocketDisconnect
from nexus.settings import Settings
from nexus.testing import create_test_client, make_tenant, migrated_database, run_sync

PLUGINS = [depot, intercom]
WS = "/api/v1/intercom/ws"


@pytest.fixture(scope="module")
def database_url(nexus_postgres_server):
    with migrated_database(nexus_postgres_server, PLUGINS) as url:
        yield url


@pytest.fixture(scope="module")
def app(database_url):
    settings = Settings(database_url=database_url, log_level="warning")
    with create_test_client(PLUGINS, database_url=database_url, settings=settings) as client:
        yield client


def _refused(app, url, **kwargs) -> tuple[int, str]:
    with pytest.raises(WebSocketDisconnect) as refused, app.websocket_connect(url, **kwargs) as ws:
        ws.receive_json()
    return refused.value.code, refused.value.detail


def _rows(url, sql, *args):
    async def run():
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetch(sql, *args)
        finally:
            await conn.close()

    return run_sync(run())


def test_a_socket_acts_in_the_callers_tenant_with_the_ports(app, database_url):
    shop, other = make_tenant(database_url), make_tenant(database_url)

    with app.websocket_connect(WS, headers=shop.headers) as ws:
        greeting = ws.receive_json()
        ws.send_text("hello")
        first = ws.receive_json()
        ws.send_text("again")
        second = ws.receive_json()

    assert greeting == {"tenant_id": str(shop.id), "actor": greeting["actor"], "plugin": "intercom"}
    assert greeting["actor"]
    # The seed hold of depot's enablement, then one per message: never another tenant's.
    assert first == {"visible": 2, "said": 1}
    assert second == {"visible": 3, "said": 2}
    holds = _rows(database_url, "select tenant_id from depot_hold where origin like 'ws:%'")
    assert {row["tenant_id"] for row in holds} == {shop.id}
    said = _rows(
        database_url,
        "select tenant_id, plugin from nexus_event_outbox where type = $1",
        intercom.SAID,
    )
    assert [(row["tenant_id"], row["plugin"]) for row in said] == [(shop.id, "intercom")] * 2

    with app.websocket_connect(WS, headers=other.headers) as ws:
        assert ws.receive_json()["tenant_id"] == str(other.id)
        ws.send_text("mine")
        assert ws.receive_json() == {"visible": 2, "said": 1}


def test_a_browser_sends_its_token_as_the_access_token_query_parameter(app, database_url):
    shop = make_tenant(database_url)

    with app.websocket_connect(f"{WS}?access_token={shop.key}") as ws:
        assert ws.receive_json()["tenant_id"] == str(shop.id)


def test_a_socket_without_credentials_is_closed_4401_before_it_is_accepted(app, database_url):
    assert _refused(app, WS)[0] == 4401
    assert _refused(app, f"{WS}?access_token=not-a-key")[0] == 4401
    code, reason = _refused(app, WS, headers={"Authorization": "Bearer not-a-key"})
    assert code == 4401
    assert reason


def test_a_socket_without_the_routes_permission_is_closed_4403(app, database_url):
    member = make_tenant(database_url, role="member")

    assert _refused(app, WS, headers=member.headers)[0] == 4403


def test_a_socket_of_a_switched_off_plugin_or_feature_is_closed_4404(app, database_url):
    shop = make_tenant(database_url)
    quiet = "/api/v1/intercom/quiet"
    assert _refused(app, quiet, headers=shop.headers)[0] == 4404

    app.put("/api/v1/features/intercom.quiet", json={"enabled": True}, headers=shop.headers)
    with app.websocket_connect(quiet, headers=shop.headers) as ws:
        assert ws.receive_text() == "quiet"

    app.put("/api/v1/features/intercom", json={"enabled": False}, headers=shop.headers)
    assert _refused(app, WS, headers=shop.headers)[0] == 4404
    assert _refused(app, quiet, headers=shop.headers)[0] == 4404


def test_a_platform_admin_names_the_tenant_and_others_may_not(app, database_url):
    shop, other = make_tenant(database_url), make_tenant(database_url)

    refused = _refused(app, WS, headers={**shop.headers, "X-Nexus-Tenant": other.slug})
    assert refused[0] == 4403
