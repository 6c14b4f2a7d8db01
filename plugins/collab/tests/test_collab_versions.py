"""Named versions: saved as Drive file versions, restored as a new edit and version."""

from __future__ import annotations

from collab_helpers import encoded_paragraphs
from test_collab_live import _stored
from test_collab_services import _call, member, share


def test_save_then_restore_makes_a_new_version(client, tenant):
    made = _call(
        client,
        tenant.headers,
        "collab.documents.create",
        name="Plan",
        kind="writer",
        state=encoded_paragraphs("first draft"),
    )
    file_id = made.json()["file_id"]
    url = f"/api/v1/collab/{file_id}/versions"
    saved = client.post(url, json={"name": "Draft"}, headers=tenant.headers)
    assert saved.status_code == 201, saved.text
    item = client.get(f"/api/v1/drive/items/{file_id}", headers=tenant.headers).json()
    assert item["version_id"] == saved.json()["drive_version_id"]

    rewrite = encoded_paragraphs("second draft")
    _call(client, tenant.headers, "collab.documents.apply", file_id=file_id, update=rewrite)
    # Two independent inserts at the start: Yjs orders them by their random client ids.
    assert sorted(_stored(client, tenant.headers, file_id)) == ["first draft", "second draft"]

    restored = client.post(f"{url}/{saved.json()['id']}/restore", headers=tenant.headers)
    assert restored.status_code == 201, restored.text
    assert restored.json()["restored_from"] == saved.json()["id"]
    assert restored.json()["name"] == "Restored: Draft"
    assert _stored(client, tenant.headers, file_id) == ["first draft"]
    listed = client.get(url, headers=tenant.headers).json()
    assert [v["name"] for v in listed] == ["Restored: Draft", "Draft"]


def test_a_viewer_lists_but_neither_saves_nor_restores(client, tenant):
    made = _call(client, tenant.headers, "collab.documents.create", name="P", kind="writer")
    file_id = made.json()["file_id"]
    url = f"/api/v1/collab/{file_id}/versions"
    saved = client.post(url, json={"name": "v"}, headers=tenant.headers).json()
    viewer, headers = member(client, tenant, "viewer")
    share(client, tenant, file_id, viewer, "viewer")
    assert client.get(url, headers=headers).status_code == 200
    assert client.post(url, json={"name": "mine"}, headers=headers).status_code == 403
    assert client.post(f"{url}/{saved['id']}/restore", headers=headers).status_code == 403


def test_restoring_a_sheets_document_is_409(client, tenant):
    made = _call(client, tenant.headers, "collab.documents.create", name="S", kind="sheets")
    file_id = made.json()["file_id"]
    url = f"/api/v1/collab/{file_id}/versions"
    saved = client.post(url, json={"name": "v"}, headers=tenant.headers).json()
    answer = client.post(f"{url}/{saved['id']}/restore", headers=tenant.headers)
    assert answer.status_code == 409
