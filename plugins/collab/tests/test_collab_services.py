"""The services the editor plugins call: create, state and apply, with Drive's roles."""

from __future__ import annotations

import base64
import time
from typing import Any

from collab_helpers import encoded_paragraphs
from nexus.testing import outbox_events
from pycrdt import Doc, XmlElement, XmlFragment, XmlText

CALL = "/api/v1/collabcaller/call"


def _call(client: Any, headers: dict[str, str], service: str, **data: Any) -> Any:
    return client.post(CALL, json={"name": service, "data": data}, headers=headers)


def _paragraphs(state: str) -> list[str]:
    doc: Doc[Any] = Doc()
    doc.apply_update(base64.b64decode(state))
    fragment = doc.get("default", type=XmlFragment)
    return [str(child.children[0]) for child in fragment.children]


def member(client: Any, tenant: Any, name: str) -> tuple[str, dict[str, str]]:
    """A second API key of the tenant (role member): its actor and headers."""
    made = client.post(
        "/api/v1/api-keys", json={"name": name, "roles": ["member"]}, headers=tenant.headers
    ).json()
    return f"api_key:{made['api_key']['id']}", {"Authorization": f"Bearer {made['key']}"}


def share(client: Any, tenant: Any, file_id: str, principal: str, role: str) -> None:
    answer = client.put(
        f"/api/v1/drive/items/{file_id}/shares",
        json={"principal": principal, "role": role},
        headers=tenant.headers,
    )
    assert answer.status_code < 300, answer.text


def test_create_state_apply_round_trip(client, tenant):
    made = _call(
        client,
        tenant.headers,
        "collab.documents.create",
        name="Plan",
        kind="writer",
        state=encoded_paragraphs("one"),
    )
    assert made.status_code == 200, made.text
    file_id = made.json()["file_id"]
    item = client.get(f"/api/v1/drive/items/{file_id}", headers=tenant.headers).json()
    assert item["name"] == "Plan"
    assert item["content_type"] == "application/vnd.nexus.writer+yjs"

    state = _call(client, tenant.headers, "collab.documents.state", file_id=file_id).json()
    assert state["kind"] == "writer"
    assert _paragraphs(state["state"]) == ["one"]

    doc: Doc[Any] = Doc()
    doc.apply_update(base64.b64decode(state["state"]))
    before = doc.get_state()
    fragment = doc.get("default", type=XmlFragment)
    fragment.children.append(XmlElement("paragraph", {}, [XmlText("two")]))
    update = base64.b64encode(doc.get_update(before)).decode()
    applied = _call(
        client, tenant.headers, "collab.documents.apply", file_id=file_id, update=update
    )
    assert applied.status_code == 200, applied.text
    assert applied.json()["seq"] == 1
    state = _call(client, tenant.headers, "collab.documents.state", file_id=file_id).json()
    assert _paragraphs(state["state"]) == ["one", "two"]
    assert state["seq"] == 1


def test_viewer_reads_but_may_not_apply_and_a_stranger_gets_404(client, tenant):
    file_id = _call(client, tenant.headers, "collab.documents.create", name="N", kind="sheets")
    file_id = file_id.json()["file_id"]
    viewer, viewer_headers = member(client, tenant, "viewer")
    _, stranger_headers = member(client, tenant, "stranger")
    share(client, tenant, file_id, viewer, "viewer")
    update = encoded_paragraphs("nope")

    state = _call(client, viewer_headers, "collab.documents.state", file_id=file_id)
    assert state.status_code == 200
    refused = _call(
        client, viewer_headers, "collab.documents.apply", file_id=file_id, update=update
    )
    assert refused.status_code == 403
    hidden = _call(client, stranger_headers, "collab.documents.state", file_id=file_id)
    assert hidden.status_code == 404
    state = _call(client, tenant.headers, "collab.documents.state", file_id=file_id).json()
    assert state["seq"] == 0


def test_another_tenants_document_is_404(client, tenant, collab_db):
    from nexus.testing import make_tenant

    other = make_tenant(collab_db)
    file_id = _call(client, tenant.headers, "collab.documents.create", name="N", kind="writer")
    file_id = file_id.json()["file_id"]
    answer = _call(client, other.headers, "collab.documents.state", file_id=file_id)
    assert answer.status_code == 404


def test_a_bad_update_is_422_naming_the_field(client, tenant):
    file_id = _call(client, tenant.headers, "collab.documents.create", name="N", kind="writer")
    file_id = file_id.json()["file_id"]
    answer = _call(
        client, tenant.headers, "collab.documents.apply", file_id=file_id, update="!!not base64"
    )
    assert answer.status_code == 422
    assert "update" in answer.text


def test_list_answers_one_kind_the_actor_may_open_newest_first_a_page_at_a_time(client, tenant):
    made = [
        _call(client, tenant.headers, "collab.documents.create", name=f"S{n}", kind="sheets")
        for n in range(3)
    ]
    ids = [answer.json()["file_id"] for answer in made]
    _call(client, tenant.headers, "collab.documents.create", name="W", kind="writer")
    reader, reader_headers = member(client, tenant, "reader")
    share(client, tenant, ids[1], reader, "viewer")

    first = _call(client, tenant.headers, "collab.documents.list", kind="sheets", limit=2).json()
    assert [item["file_id"] for item in first["items"]] == [ids[2], ids[1]]
    assert first["items"][0]["name"] == "S2"
    assert first["items"][0]["role"] == "owner"
    rest = _call(
        client,
        tenant.headers,
        "collab.documents.list",
        kind="sheets",
        limit=2,
        cursor=first["next_cursor"],
    ).json()
    assert [item["file_id"] for item in rest["items"]] == [ids[0]]
    assert rest["next_cursor"] is None
    shared = _call(client, reader_headers, "collab.documents.list", kind="sheets").json()
    assert [(item["file_id"], item["role"]) for item in shared["items"]] == [(ids[1], "viewer")]
    bad = _call(client, tenant.headers, "collab.documents.list", kind="sheets", cursor="nope")
    assert bad.status_code == 422


def _update_adding(state: str, text: str) -> str:
    doc: Doc[Any] = Doc()
    doc.apply_update(base64.b64decode(state))
    before = doc.get_state()
    doc.get("default", type=XmlFragment).children.append(
        XmlElement("paragraph", {}, [XmlText(text)])
    )
    return base64.b64encode(doc.get_update(before)).decode()


def test_the_last_change_of_a_burst_gets_its_event_after_the_window(client, tenant, collab_db):
    made = _call(client, tenant.headers, "collab.documents.create", name="B", kind="writer")
    file_id = made.json()["file_id"]
    for n in range(3):  # well inside one second: only the first publishes at once
        state = _call(client, tenant.headers, "collab.documents.state", file_id=file_id).json()
        update = _update_adding(state["state"], f"line {n}")
        applied = _call(
            client, tenant.headers, "collab.documents.apply", file_id=file_id, update=update
        )
        assert applied.status_code == 200, applied.text

    def changes() -> list[int]:
        events = outbox_events(collab_db, tenant, "collab.document.changed.v1")
        return [event.data["seq"] for event in events]

    assert changes() == [1]
    deadline = time.monotonic() + 15
    while changes() == [1] and time.monotonic() < deadline:
        time.sleep(0.1)  # the trailing timer runs in the app's loop; the outbox is its trace
    [first, last] = outbox_events(collab_db, tenant, "collab.document.changed.v1")
    assert (first.data["seq"], last.data["seq"]) == (1, 3)
    assert last.data["actor"] == first.data["actor"] is not None
