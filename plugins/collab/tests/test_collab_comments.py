"""Comments anchored to ranges: replies, resolve, and Drive's roles."""

from __future__ import annotations

import base64
from typing import Any

from pycrdt import Assoc, Doc, StickyIndex, Text
from test_collab_services import _call, member, share


def _anchor() -> str:
    """A real Yjs relative position, encoded as a client sends it."""
    doc: Doc[Any] = Doc()
    doc["t"] = text = Text("hello world")

    return base64.b64encode(StickyIndex.new(text, 6, Assoc.AFTER).encode()).decode()


def test_comment_reply_and_resolve(client, tenant):
    file_id = _call(client, tenant.headers, "collab.documents.create", name="N", kind="writer")
    file_id = file_id.json()["file_id"]
    url = f"/api/v1/collab/{file_id}/comments"
    anchor = _anchor()
    made = client.post(
        url,
        json={"body": "Source?", "anchor_start": anchor, "anchor_end": anchor, "quote": "world"},
        headers=tenant.headers,
    )
    assert made.status_code == 201, made.text
    comment = made.json()
    assert comment["anchor_start"] == anchor
    reply = client.post(
        url, json={"body": "Added.", "parent_id": comment["id"]}, headers=tenant.headers
    )
    assert reply.status_code == 201
    assert reply.json()["anchor_start"] is None
    nested = client.post(
        url, json={"body": "x", "parent_id": reply.json()["id"]}, headers=tenant.headers
    )
    assert nested.status_code == 409

    resolved = client.post(f"{url}/{comment['id']}/resolve", headers=tenant.headers)
    assert resolved.status_code == 200
    assert resolved.json()["resolved_at"] is not None
    listed = client.get(url, headers=tenant.headers).json()
    assert [c["body"] for c in listed] == ["Source?", "Added."]


def test_roles_decide_who_comments_and_bad_anchors_are_422(client, tenant):
    file_id = _call(client, tenant.headers, "collab.documents.create", name="N", kind="writer")
    file_id = file_id.json()["file_id"]
    url = f"/api/v1/collab/{file_id}/comments"
    viewer, viewer_headers = member(client, tenant, "viewer")
    commenter, commenter_headers = member(client, tenant, "commenter")
    _, stranger_headers = member(client, tenant, "stranger")
    share(client, tenant, file_id, viewer, "viewer")
    share(client, tenant, file_id, commenter, "commenter")
    anchor = _anchor()
    body = {"body": "Hm", "anchor_start": anchor, "anchor_end": anchor}

    assert client.post(url, json=body, headers=viewer_headers).status_code == 403
    assert client.get(url, headers=viewer_headers).status_code == 200
    assert client.post(url, json=body, headers=commenter_headers).status_code == 201
    assert client.post(url, json=body, headers=stranger_headers).status_code == 404
    assert client.get(url, headers=stranger_headers).status_code == 404
    bad = client.post(url, json={**body, "anchor_end": "!!"}, headers=tenant.headers)
    assert bad.status_code == 422
    assert "anchor_end" in bad.text
    unanchored = client.post(url, json={"body": "Hm"}, headers=tenant.headers)
    assert unanchored.status_code == 422
