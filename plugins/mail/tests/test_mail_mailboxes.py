"""Mailboxes, aliases, folders and drafts over REST; another tenant's answer 404."""

from __future__ import annotations

import uuid
from typing import Any

from mail_support import API, add_domain, add_mailbox, ok


def test_mailboxes_aliases_folders_and_drafts_stay_in_their_tenant(
    client: Any, tenant: Any, other_tenant: Any
) -> None:
    domain = add_domain(client, tenant, f"m{uuid.uuid4().hex[:10]}.example")
    box = add_mailbox(client, tenant, domain["id"], "Ada")
    assert box["address"] == f"ada@{domain['domain']}"
    clash = client.post(
        f"{API}/domains/{domain['id']}/mailboxes",
        json={"local_part": "ada"},
        headers=tenant.headers,
    )
    assert clash.status_code == 409
    alias = ok(
        client.post(
            f"{API}/mailboxes/{box['id']}/aliases",
            json={"local_part": "hello"},
            headers=tenant.headers,
        ),
        201,
    )
    assert alias["address"] == f"hello@{domain['domain']}"
    taken = client.post(
        f"{API}/mailboxes/{box['id']}/aliases", json={"local_part": "ada"}, headers=tenant.headers
    )
    assert taken.status_code == 409
    folders = ok(client.get(f"{API}/mailboxes/{box['id']}/folders", headers=tenant.headers))
    assert [f["role"] for f in folders] == ["inbox", "sent", "drafts", "trash", "junk"]
    mine = ok(
        client.post(
            f"{API}/mailboxes/{box['id']}/folders",
            json={"name": "Invoices"},
            headers=tenant.headers,
        ),
        201,
    )
    draft = ok(
        client.post(
            f"{API}/mailboxes/{box['id']}/drafts",
            json={"to": ["Grace@Example.org"], "subject": "Hi", "text": "x"},
            headers=tenant.headers,
        ),
        201,
    )
    assert (draft["to"], draft["from_address"]) == (["grace@example.org"], box["address"])
    changed = ok(
        client.patch(
            f"{API}/drafts/{draft['id']}", json={"subject": "Hello"}, headers=tenant.headers
        )
    )
    assert changed["subject"] == "Hello"
    moved = ok(
        client.patch(
            f"{API}/messages/{draft['id']}", json={"folder_id": mine["id"]}, headers=tenant.headers
        )
    )
    assert moved["folder_id"] == mine["id"]
    theirs = other_tenant.headers
    for url in (
        f"/mailboxes/{box['id']}",
        f"/mailboxes/{box['id']}/folders",
        f"/mailboxes/{box['id']}/aliases",
        f"/messages/{draft['id']}",
        f"/threads/{draft['thread_id']}",
    ):
        assert client.get(f"{API}{url}", headers=theirs).status_code == 404, url
    assert (
        client.patch(
            f"{API}/drafts/{draft['id']}", json={"subject": "x"}, headers=theirs
        ).status_code
        == 404
    )
    assert (
        client.post(f"{API}/drafts/{draft['id']}/send", json={}, headers=theirs).status_code == 404
    )
    assert (
        client.post(f"{API}/mailboxes/{box['id']}/drafts", json={}, headers=theirs).status_code
        == 404
    )
    assert ok(client.get(f"{API}/mailboxes", headers=theirs)) == []
    assert ok(client.get(f"{API}/threads", headers=theirs)) == []
    assert client.delete(f"{API}/drafts/{draft['id']}", headers=tenant.headers).status_code == 204
    assert client.get(f"{API}/messages/{draft['id']}", headers=tenant.headers).status_code == 404
