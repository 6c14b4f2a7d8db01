"""The event published with each new item, and the plugin's own handler for it."""

from __future__ import annotations

from nexus.testing import EventWorkerHarness

ITEMS = "/api/v1/{{ cookiecutter.plugin_name }}/items"


def test_created_item_is_published_and_the_handler_marks_it_processed(client, tenant):
    with EventWorkerHarness(client) as worker:
        item = client.post(ITEMS, json={"title": "Evented"}, headers=tenant.headers).json()
        worker.wait_handled("{{ cookiecutter.plugin_name }}", 1)
    consumer, event = worker.events[0]
    assert event.type == "{{ cookiecutter.plugin_name }}.item.created.v1"
    assert event.data == {"id": item["id"], "title": "Evented"}
    shown = client.get(f"{ITEMS}/{item['id']}", headers=tenant.headers).json()
    assert shown["status"] == "processed"
