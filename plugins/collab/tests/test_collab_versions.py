"""Named versions: saved as Drive file versions, restored as a new edit and version."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from collab_helpers import encoded_paragraphs
from pycrdt import Array, Doc, Map, Text
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


def _sheets_doc() -> Doc[Any]:
    doc: Doc[Any] = Doc()
    cell = Map({"value": 2, "formula": None, "format": Map({"bold": True})})
    sheet = Map({"name": "Budget", "cells": Map({"A1": cell}), "cols": Map(), "charts": Array()})
    doc.get("sheets", type=Array).append(sheet)
    return doc


def _slides_doc() -> Doc[Any]:
    doc: Doc[Any] = Doc()
    deck = doc.get("deck", type=Map)
    deck["width"], deck["height"] = 960.0, 540.0
    box = Map({"id": "e1", "type": "text", "text": Text("Q4 review"), "x": 40.0})
    slide = Map({"id": "s1", "layout": "title", "notes": Text("Hi"), "elements": Array([box])})
    doc.get("slides", type=Array).append(slide)
    return doc


def _roots(state: str, roots: dict[str, type[Any]]) -> dict[str, Any]:
    doc: Doc[Any] = Doc()
    doc.apply_update(base64.b64decode(state))
    return {name: doc.get(name, type=kind).to_py() for name, kind in roots.items()}


def _edit_sheets(doc: Doc[Any]) -> None:
    sheets = doc.get("sheets", type=Array)
    sheets[0]["cells"]["A1"]["value"] = 99
    sheets[0]["cells"]["A1"]["format"]["bold"] = False
    sheets.append(Map({"name": "More", "cells": Map(), "cols": Map(), "charts": Array()}))


def _edit_slides(doc: Doc[Any]) -> None:
    doc.get("deck", type=Map)["width"] = 1280.0
    doc.get("deck", type=Map)["theme"] = "dark"
    slide = doc.get("slides", type=Array)[0]
    slide["notes"] += " there"
    slide["elements"][0]["text"].insert(0, "Draft: ")
    doc.get("slides", type=Array).append(Map({"id": "s2", "notes": Text("")}))


@pytest.mark.parametrize(
    ("kind", "make", "edit", "roots"),
    [
        ("sheets", _sheets_doc, _edit_sheets, {"sheets": Array}),
        ("slides", _slides_doc, _edit_slides, {"deck": Map, "slides": Array}),
    ],
    ids=["sheets", "slides"],
)
def test_restoring_a_sheets_or_slides_document_brings_its_roots_back(
    client, tenant, kind, make, edit, roots
):
    doc = make()
    state = base64.b64encode(doc.get_update()).decode()
    made = _call(
        client, tenant.headers, "collab.documents.create", name="D", kind=kind, state=state
    )
    file_id = made.json()["file_id"]
    url = f"/api/v1/collab/{file_id}/versions"
    saved = client.post(url, json={"name": "v1"}, headers=tenant.headers).json()
    before = doc.get_state()
    edit(doc)
    update = base64.b64encode(doc.get_update(before)).decode()
    _call(client, tenant.headers, "collab.documents.apply", file_id=file_id, update=update)
    edited = _call(client, tenant.headers, "collab.documents.state", file_id=file_id).json()
    assert _roots(edited["state"], roots) != _roots(state, roots)

    restored = client.post(f"{url}/{saved['id']}/restore", headers=tenant.headers)
    assert restored.status_code == 201, restored.text
    now = _call(client, tenant.headers, "collab.documents.state", file_id=file_id).json()
    assert _roots(now["state"], roots) == _roots(state, roots)
    assert now["seq"] == edited["seq"] + 1  # one new edit, which every client receives
