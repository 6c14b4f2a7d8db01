"""``nexus.testing.publish_event``: another plugin's event, delivered without that plugin."""

from __future__ import annotations

import pytest
from kernel_samples import echo, ledger
from nexus.settings import Settings
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    outbox_events,
    publish_event,
)


@pytest.fixture
def nexus_database_url(nexus_migrated_database):
    """Ledger's table exists (echo's handler counts its rows); only echo is loaded."""
    return nexus_migrated_database([ledger, echo])


@pytest.fixture
def app(nexus_database_url):
    settings = Settings(database_url=nexus_database_url, log_level="warning")
    with create_test_client([echo], database_url=nexus_database_url, settings=settings) as client:
        yield client


def test_an_event_published_as_an_absent_plugin_reaches_the_handlers(app, nexus_database_url):
    tenant, other = make_tenant(nexus_database_url), make_tenant(nexus_database_url)
    entry = {"id": "0193a2b4-0000-7000-8000-000000000001", "memo": "rent"}

    with EventWorkerHarness(app) as worker:
        event_id = publish_event(
            nexus_database_url,
            tenant,
            type="ledger.entry.created.v1",
            data=entry,
            source="ledger",
            subject="entry-1",
        )
        worker.wait_handled("echo", 1)

    [delivered] = worker.deliveries("echo")
    assert delivered.id == event_id
    assert delivered.source == "/nexus/ledger"
    assert (delivered.type, delivered.subject, delivered.data) == (
        "ledger.entry.created.v1",
        "entry-1",
        entry,
    )
    assert delivered.tenantid == str(tenant.id)
    # The handler ran in the tenant's delivery: its own event is in that tenant's outbox.
    [heard] = outbox_events(nexus_database_url, tenant, echo.HEARD)
    assert heard.data == {"prefix": "echo", "loud": False, "entries": 0, "of": event_id}
    assert [e.id for e in outbox_events(nexus_database_url, tenant.id)] == [event_id, heard.id]
    assert outbox_events(nexus_database_url, other) == []
