"""The item routes: CRUD, paging, validation, tenant isolation, switching the plugin off."""

from __future__ import annotations

import uuid

from nexus.testing import set_plugin_settings

ITEMS = "/api/v1/{{ cookiecutter.plugin_name }}/items"


def test_create_show_change_list_and_delete_an_item(client, tenant):
    created = client.post(ITEMS, json={"title": "First", "notes": "a"}, headers=tenant.headers)
    assert created.status_code == 201, created.text
    item = created.json()
    assert (item["title"], item["notes"], item["status"]) == ("First", "a", "new")

    shown = client.get(f"{ITEMS}/{item['id']}", headers=tenant.headers)
    assert shown.json() == item

    changed = client.patch(f"{ITEMS}/{item['id']}", json={"notes": "b"}, headers=tenant.headers)
    assert changed.status_code == 200, changed.text
    assert changed.json()["notes"] == "b" and changed.json()["title"] == "First"

    listed = client.get(ITEMS, headers=tenant.headers)
    assert listed.json() == {"items": [changed.json()], "next_cursor": None}

    assert client.delete(f"{ITEMS}/{item['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"{ITEMS}/{item['id']}", headers=tenant.headers).status_code == 404


def test_the_list_is_paged_oldest_first_with_an_opaque_cursor(client, tenant):
    titles = ["One", "Two", "Three"]
    for title in titles:
        assert client.post(ITEMS, json={"title": title}, headers=tenant.headers).status_code == 201
    first = client.get(ITEMS, params={"limit": 2}, headers=tenant.headers).json()
    assert [row["title"] for row in first["items"]] == ["One", "Two"]
    assert first["next_cursor"]
    rest = client.get(
        ITEMS, params={"limit": 2, "cursor": first["next_cursor"]}, headers=tenant.headers
    ).json()
    assert rest == {"items": [rest["items"][0]], "next_cursor": None}
    assert rest["items"][0]["title"] == "Three"
    refused = client.get(ITEMS, params={"cursor": "not-ours"}, headers=tenant.headers)
    assert refused.status_code == 422
    assert [error["key"] for error in refused.json()["errors"]] == ["cursor"]


def test_invalid_item_is_a_422_problem_naming_the_field(client, tenant):
    response = client.post(ITEMS, json={"title": ""}, headers=tenant.headers)
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "title" in response.text


def test_another_tenants_item_is_a_404(client, tenant, other_tenant):
    item = client.post(ITEMS, json={"title": "Mine"}, headers=tenant.headers).json()
    assert client.get(f"{ITEMS}/{item['id']}", headers=other_tenant.headers).status_code == 404
    assert client.get(ITEMS, headers=other_tenant.headers).json()["items"] == []
    changed = client.patch(
        f"{ITEMS}/{item['id']}", json={"title": "Theirs"}, headers=other_tenant.headers
    )
    assert changed.status_code == 404
    assert client.delete(f"{ITEMS}/{item['id']}", headers=other_tenant.headers).status_code == 404
    missing = client.get(f"{ITEMS}/{uuid.uuid4()}", headers=tenant.headers)
    assert missing.status_code == 404


def test_routes_need_a_credential(client):
    assert client.get(ITEMS).status_code == 401


def test_switched_off_for_a_tenant_the_routes_answer_404(client, tenant, other_tenant):
    off = client.put(
        "/api/v1/features/{{ cookiecutter.plugin_name }}",
        json={"enabled": False, "reason": "not for this tenant"},
        headers=other_tenant.headers,
    )
    assert off.status_code == 200, off.text
    assert client.get(ITEMS, headers=other_tenant.headers).status_code == 404
    assert client.get(ITEMS, headers=tenant.headers).status_code == 200


def test_creating_beyond_max_items_is_a_409_problem(
    client, tenant, other_tenant, nexus_database_url
):
    plugin = "{{ cookiecutter.plugin_name }}"
    set_plugin_settings(nexus_database_url, tenant, plugin, {"max_items": 1})
    assert client.post(ITEMS, json={"title": "One"}, headers=tenant.headers).status_code == 201
    refused = client.post(ITEMS, json={"title": "Two"}, headers=tenant.headers)
    assert refused.status_code == 409
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert "max_items" in refused.json()["detail"]
    listed = client.get(ITEMS, headers=tenant.headers).json()["items"]
    assert [row["title"] for row in listed] == ["One"]
    # The limit is that tenant's setting: another tenant keeps the default.
    other = client.post(ITEMS, json={"title": "Two"}, headers=other_tenant.headers)
    assert other.status_code == 201
