"""Drive's assistant tool: ``drive.files.search`` finds what the assistant's user may see."""

from __future__ import annotations

import uuid
from typing import Any

from drive_helpers import API, folder, ok, upload
from nexus.testing import call_tool


def test_the_user_finds_what_is_shared_with_them_only(client: Any, tenant: Any, other: Any) -> None:
    ada = uuid.uuid4()
    box = folder(client, tenant, "Budgets")
    upload(client, tenant, "zebra-budget.txt", b"the budget for 2027", parent_id=box["id"])
    hidden = folder(client, tenant, "Hidden")
    upload(client, tenant, "zebra-notes.txt", b"zebra notes", parent_id=hidden["id"])
    theirs = folder(client, other, "Theirs")
    upload(client, other, "zebra.txt", b"zebra of another tenant", parent_id=theirs["id"])

    before = call_tool(client, tenant, "drive.files.search", {"query": "zebra"}, user=ada)
    ok(
        client.put(
            f"{API}/items/{box['id']}/shares",
            json={"principal": f"user:{ada}", "role": "viewer"},
            headers=tenant.headers,
        )
    )
    after = call_tool(client, tenant, "drive.files.search", {"query": "zebra"}, user=ada)

    assert before.ok and before.result == []  # nothing is Ada's or shared with her yet
    assert after.ok, after.error
    # By name: the text is extracted later, by an event handler.
    assert [hit["item"]["name"] for hit in after.result] == ["zebra-budget.txt"]
