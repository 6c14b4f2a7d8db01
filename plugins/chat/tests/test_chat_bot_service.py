"""Chat's ``chat.messages.post`` service: a bot posts where the user it answers sees.

Called by a stand-in plugin (``chat_caller``) through the kernel's services port, as the
AI plugin calls it to answer a mention.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import chat_caller
import nexus_chat
import pytest
from nexus.testing import create_test_client, make_tenant, migrated_database

if TYPE_CHECKING:
    from collections.abc import Iterator

API = "/api/v1/chat"
PLUGINS = [nexus_chat, chat_caller]
NOBODY = "user:0190d0a0-0000-7000-8000-000000000001"


@pytest.fixture(scope="module")
def chat_db(nexus_postgres_server: str) -> Iterator[str]:
    with migrated_database(nexus_postgres_server, [nexus_chat]) as url:  # caller: no tables
        yield url


@pytest.fixture(scope="module")
def client(chat_db: str) -> Iterator[Any]:
    with create_test_client(PLUGINS, database_url=chat_db) as test_client:
        yield test_client


def _post(client: Any, tenant: Any, data: dict[str, Any]) -> Any:
    return client.post(
        "/api/v1/caller/call",
        json={"name": "chat.messages.post", "data": data},
        headers=tenant.headers,
    )


def _channel(client: Any, tenant: Any, **extra: Any) -> dict[str, Any]:
    answer = client.post(f"{API}/channels", json={"name": "ops", **extra}, headers=tenant.headers)
    assert answer.status_code == 201, answer.text
    result: dict[str, Any] = answer.json()
    return result


def test_the_bot_replies_in_a_thread(client: Any, tenant: Any) -> None:
    channel = _channel(client, tenant)
    asked = client.post(
        f"{API}/channels/{channel['id']}/messages",
        json={"body": "who is on call?"},
        headers=tenant.headers,
    ).json()
    data = {
        "channel_id": channel["id"],
        "thread_id": asked["id"],
        "body": "Grace is.",
        "bot": "assistant",
        "for_actor": asked["author"],
    }

    reply = _post(client, tenant, data)

    assert reply.status_code == 200, reply.text
    assert reply.json()["author"] == "bot:assistant"
    assert reply.json()["thread_id"] == asked["id"]
    listed = client.get(f"{API}/channels/{channel['id']}/messages", headers=tenant.headers)
    assert [(m["author"], m["body"]) for m in listed.json()] == [
        (asked["author"], "who is on call?"),
        ("bot:assistant", "Grace is."),
    ]


def test_a_channel_the_user_does_not_see_is_not_found(
    client: Any, tenant: Any, chat_db: str
) -> None:
    other = make_tenant(chat_db)
    theirs = _channel(client, other)
    private = _channel(client, tenant, kind="private")
    base = {"body": "hello", "bot": "assistant", "for_actor": NOBODY}

    for channel_id in (theirs["id"], private["id"]):
        answer = _post(client, tenant, {**base, "channel_id": channel_id})
        assert answer.status_code == 404, answer.text
    assert client.get(f"{API}/channels/{theirs['id']}/messages", headers=other.headers).json() == []
    mine = client.get(f"{API}/channels/{private['id']}/messages", headers=tenant.headers)
    assert mine.json() == []


def test_a_bot_name_is_checked(client: Any, tenant: Any) -> None:
    channel = _channel(client, tenant)
    data = {"channel_id": channel["id"], "body": "hi", "bot": "Not A Bot", "for_actor": NOBODY}

    answer = _post(client, tenant, data)

    assert answer.status_code >= 400, answer.text
    assert (
        client.get(f"{API}/channels/{channel['id']}/messages", headers=tenant.headers).json() == []
    )
