"""Chat with Notification and Drive loaded: mentions notify, attachments are Drive files."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from uuid import uuid4

import nexus_chat
import nexus_drive
import nexus_notify
import pytest
from nexus.testing import EventWorkerHarness, create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

API = "/api/v1/chat"
PLUGINS = [nexus_chat, nexus_notify, nexus_drive]


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url) as client,
    ):
        yield client, url


def _mentions_of(client: Any, tenant: Any, message_id: str) -> list[dict[str, Any]]:
    listed = client.get("/api/v1/notify/messages", headers=tenant.headers).json()["items"]
    return [m for m in listed if m["source_ref"] == f"chat.message:{message_id}"]


def test_a_mention_notifies_the_user_who_can_read_the_channel_once(world):
    client, url = world
    tenant = make_tenant(url)
    ada, eve = uuid4(), uuid4()
    public = client.post(f"{API}/channels", json={"name": "news"}, headers=tenant.headers).json()
    private = client.post(
        f"{API}/channels",
        json={"name": "board", "kind": "private", "members": [f"user:{ada}"]},
        headers=tenant.headers,
    ).json()
    with EventWorkerHarness(client) as worker:
        loud = client.post(
            f"{API}/channels/{public['id']}/messages",
            json={"body": f"@user:{ada} and @user:{eve}: the release is out"},
            headers=tenant.headers,
        ).json()
        quiet = client.post(
            f"{API}/channels/{private['id']}/messages",
            json={"body": f"@user:{ada} @user:{eve} board only"},
            headers=tenant.headers,
        ).json()
        worker.wait_handled("chat", 2)
        worker.wait_handled("notify", 3)  # the three notify.delivery.queued.v1
    public_sent = _mentions_of(client, tenant, loud["id"])
    assert len(public_sent) == 2
    assert {m["category"] for m in public_sent} == {"chat.mentions"}
    [private_sent] = _mentions_of(client, tenant, quiet["id"])  # eve is not a member
    shown = client.get(f"/api/v1/notify/messages/{private_sent['id']}", headers=tenant.headers)
    assert [d["channel"] for d in shown.json()["deliveries"]] == ["in_app"]


def test_attachments_are_drive_files_of_the_tenant(world):
    client, url = world
    tenant, other = make_tenant(url), make_tenant(url)
    uploaded = client.post(
        "/api/v1/drive/files",
        params={"name": "plan.txt"},
        content=b"the plan",
        headers={**tenant.headers, "Content-Type": "text/plain"},
    )
    assert uploaded.status_code == 201, uploaded.text
    file_id = uploaded.json()["id"]
    channel = client.post(f"{API}/channels", json={"name": "ops"}, headers=tenant.headers).json()
    posted = client.post(
        f"{API}/channels/{channel['id']}/messages",
        json={"body": "see the plan", "attachments": [file_id]},
        headers=tenant.headers,
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["attachments"] == [file_id]
    listed = client.get(f"{API}/channels/{channel['id']}/messages", headers=tenant.headers)
    assert listed.json()[0]["attachments"] == [file_id]

    unknown = client.post(
        f"{API}/channels/{channel['id']}/messages",
        json={"body": "x", "attachments": [str(uuid4())]},
        headers=tenant.headers,
    )
    assert unknown.status_code == 422
    assert unknown.json()["errors"][0]["key"] == "attachments"
    theirs = client.post(f"{API}/channels", json={"name": "ops"}, headers=other.headers).json()
    stolen = client.post(
        f"{API}/channels/{theirs['id']}/messages",
        json={"body": "x", "attachments": [file_id]},  # another tenant's file: unknown here
        headers=other.headers,
    )
    assert stolen.status_code == 422
