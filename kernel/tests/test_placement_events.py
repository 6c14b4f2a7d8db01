"""Placement and events: a dedicated tenant's events reach the bus and its handlers, once.

Its writes and their events commit in its own database; the worker forwards that outbox
into the home one (in order, once per event), and the handlers' deliveries (their inbox
rows and effects) run back in the tenant's own database.
"""

from __future__ import annotations

import json
import uuid

import asyncpg
import pytest
from kernel_samples import hello, ledger, tasks
from nexus.placement import ClusterKind, add_cluster, dedicated_database_name
from nexus.provisioning import Deprovisioned, deprovision
from nexus.services import kernel_of
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_platform_key,
    migrated_database,
    run_sync,
)

PLUGINS = [hello, tasks, ledger]


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


def provision_dedicated(app, admin, cluster):
    """Provision a dedicated tenant: its id, slug, API key headers and database URL."""
    slug = f"big-{uuid.uuid4().hex[:8]}"
    body = {
        "name": "Big",
        "slug": slug,
        "preset": "base",
        "country": "FR",
        "currency": "EUR",
        "timezone": "Europe/Paris",
        "locale": "fr-FR",
        "admin": {"email": f"ada@{slug}.example", "name": "Ada"},
        "features": {"hello": True, "tasks": True, "ledger": True},
        "placement": "dedicated",
    }
    started = app.post("/api/v1/tenants", json=body, headers=admin)
    assert started.status_code == 202, started.text
    last = None
    with app.stream("GET", f"{started.headers['location']}/events", headers=admin) as response:
        for line in response.iter_lines():
            if line.startswith("data: "):
                last = json.loads(line[len("data: ") :])
    assert last is not None and last["status"] == "succeeded", last
    tenant_id = uuid.UUID(last["tenant_id"])
    headers = {"Authorization": f"Bearer {last['admin']['api_key']}"}
    own = cluster.rsplit("/", 1)[0] + f"/{dedicated_database_name(tenant_id)}"
    return tenant_id, slug, headers, own


@pytest.fixture(scope="module")
def dedicated(app, admin, cluster):
    """A dedicated tenant on the test server: its id, API key headers and database URL."""
    tenant_id, _, headers, own = provision_dedicated(app, admin, cluster)
    yield tenant_id, headers, own
    name = dedicated_database_name(tenant_id)
    fetch(cluster, f'drop database if exists "{name}" with (force)')


def test_a_dedicated_tenants_event_is_published_and_handled_once(app, home, dedicated):
    tenant_id, headers, own = dedicated
    with EventWorkerHarness(app) as worker:
        written = app.post("/api/v1/ledger/", json={"memo": "placed"}, headers=headers)
        assert written.status_code == 201, written.text
        event_id = uuid.UUID(written.json()["event_id"])
        worker.wait_handled("ledger", 1)
        # The kernel's own event of provisioning (written before the worker ran) too.
        worker.wait_handled_type("audit", "nexus.user.created.v1", 1)
    [event] = worker.deliveries("ledger")
    assert (event.id, event.tenantid) == (str(event_id), str(tenant_id))
    # One row in the home log, marked published in the tenant's own outbox.
    [logged] = fetch(home, "select position from nexus_event_outbox where id = $1", event_id)
    assert logged["position"] is not None
    [mine] = fetch(own, "select published_at from nexus_event_outbox where id = $1", event_id)
    assert mine["published_at"] is not None
    # The effect and the inbox row live in the tenant's database, never in home.
    effect = "select count(*) from ledger_effect where event_id = $1"
    assert fetch(own, effect, str(event_id))[0][0] == 1
    assert fetch(home, effect, str(event_id))[0][0] == 0
    inbox = "select count(*) from nexus_event_inbox where event_id = $1 and consumer = 'ledger'"
    assert fetch(own, inbox, event_id)[0][0] == 1
    assert fetch(home, inbox, event_id)[0][0] == 0
    assert worker.handled["ledger"] == 1


def test_forwarding_a_batch_again_writes_no_second_event(app, home, dedicated):
    """A forwarder stopped after writing home but before marking forwards again: one event."""
    _, headers, own = dedicated
    with EventWorkerHarness(app) as worker:
        written = app.post("/api/v1/ledger/", json={"memo": "twice"}, headers=headers)
        event_id = uuid.UUID(written.json()["event_id"])
        worker.wait_handled("ledger", 1)
        fetch(own, "update nexus_event_outbox set published_at = null where id = $1", event_id)
        runtime = worker.runtime
        assert runtime is not None and runtime.worker.placed is not None
        placed = runtime.worker.placed

        async def forward() -> int:
            conn = await asyncpg.connect(own, server_settings={"role": "nexus_relay"})
            try:
                return await placed.forward_once(conn)
            finally:
                await conn.close()

        assert worker.call(forward) in (0, 1)  # 0: the running forwarder got there first
    assert fetch(home, "select count(*) from nexus_event_outbox where id = $1", event_id)[0][0] == 1
    [mine] = fetch(own, "select published_at from nexus_event_outbox where id = $1", event_id)
    assert mine["published_at"] is not None
    assert worker.handled["ledger"] == 1
    effect = "select count(*) from ledger_effect where event_id = $1"
    assert fetch(own, effect, str(event_id))[0][0] == 1


def test_deprovisioning_a_dedicated_tenant_drops_its_database(app, admin, home, cluster):
    tenant_id, slug, headers, own = provision_dedicated(app, admin, cluster)
    name = dedicated_database_name(tenant_id)
    kernel = kernel_of(app.app)
    with EventWorkerHarness(app) as worker:
        app.post("/api/v1/ledger/", json={"memo": "soon gone"}, headers=headers)
        worker.wait_handled("ledger", 1)  # forwarded: the home outbox holds its events
        assert (
            fetch(home, "select count(*) from nexus_event_outbox where tenant_id = $1", tenant_id)[
                0
            ][0]
            >= 1
        )

        async def run() -> Deprovisioned:
            return await deprovision(
                kernel.database, kernel.registry, slug, blobs=kernel.blobs, cache=kernel.cache
            )

        result = worker.call(run)
    assert result.tenant_id == tenant_id
    assert result.rows["ledger_entry"] == 1  # erased in its own database first
    assert result.rows["nexus_event_outbox"] >= 2  # its own outbox, then what home got
    assert result.runs == 1
    assert fetch(cluster, "select count(*) from pg_database where datname = $1", name)[0][0] == 0
    assert fetch(home, "select count(*) from nexus_tenant where id = $1", tenant_id)[0][0] == 0
    for table in ("nexus_event_outbox", "nexus_user", "nexus_provisioning_run"):
        column = "tenant" if table == "nexus_provisioning_run" else "tenant_id"
        left = fetch(home, f"select count(*) from {table} where {column} = $1", tenant_id)
        assert left[0][0] == 0, table
    # Run again: nothing of it is left to find.
    with pytest.raises(LookupError):
        app.blocking_portal.call(run)
