"""The event published with each new item, and the plugin's own handler for it."""

from __future__ import annotations

import msgspec
from nexus.testing import EventWorkerHarness, outbox_events

from {{ cookiecutter.module }}._events import ITEM_CREATED, ItemCreated

ITEMS = "/api/v1/{{ cookiecutter.plugin_name }}/items"


def test_created_item_is_published_and_the_handler_marks_it_processed(client, tenant):
    with EventWorkerHarness(client) as worker:
        item = client.post(ITEMS, json={"title": "Evented"}, headers=tenant.headers).json()
        worker.wait_handled("{{ cookiecutter.plugin_name }}", 1)
    [event] = worker.deliveries("{{ cookiecutter.plugin_name }}")
    assert event.type == ITEM_CREATED.type
    assert event.data == {"id": item["id"], "title": "Evented"}
    shown = client.get(f"{ITEMS}/{item['id']}", headers=tenant.headers).json()
    assert shown["status"] == "processed"


def test_every_published_event_matches_its_declared_payload(client, tenant, nexus_database_url):
    client.post(ITEMS, json={"title": "Declared"}, headers=tenant.headers)
    [event] = outbox_events(nexus_database_url, tenant, ITEM_CREATED.type)
    assert ITEM_CREATED.payload is not None
    created = msgspec.convert(event.data, ITEM_CREATED.payload)
    assert isinstance(created, ItemCreated) and created.title == "Declared"
