"""Reactions: counts per emoji in message reads, once per actor, live frames, events."""

from __future__ import annotations

from chat_helpers import member_key
from nexus.testing import make_tenant, outbox_events

API = "/api/v1/chat"


def test_reactions_are_counted_per_emoji_once_per_actor_and_heard_live(client, tenant, chat_db):
    channel = client.post(f"{API}/channels", json={"name": "wins"}, headers=tenant.headers).json()
    message = client.post(
        f"{API}/channels/{channel['id']}/messages", json={"body": "Won!"}, headers=tenant.headers
    ).json()
    assert message["reactions"] == []
    bob_key, _ = member_key(client, tenant.headers, "bob")
    bob = {"Authorization": f"Bearer {bob_key}"}
    url = f"{API}/messages/{message['id']}/reactions"

    with client.websocket_connect(f"{API}/ws", headers=bob) as socket:
        assert socket.receive_json()["type"] == "hello"
        first = client.put(f"{url}/🎉", headers=tenant.headers)
        assert first.status_code == 200, first.text
        frame = socket.receive_json()
        while frame["type"] != "reaction":
            frame = socket.receive_json()
        assert frame["added"] is True and frame["emoji"] == "🎉"
        assert frame["message"]["reactions"] == [{"emoji": "🎉", "count": 1}]

    assert client.put(f"{url}/🎉", headers=tenant.headers).status_code == 200  # again: once
    client.put(f"{url}/🎉", headers=bob)
    both = client.put(f"{url}/👍", headers=bob).json()
    assert both["reactions"] == [{"emoji": "🎉", "count": 2}, {"emoji": "👍", "count": 1}]
    listed = client.get(f"{API}/channels/{channel['id']}/messages", headers=tenant.headers).json()
    assert listed[0]["reactions"] == both["reactions"]

    removed = client.delete(f"{url}/🎉", headers=bob)
    assert removed.status_code == 200
    assert removed.json()["reactions"] == [{"emoji": "🎉", "count": 1}, {"emoji": "👍", "count": 1}]
    assert client.delete(f"{url}/🎉", headers=bob).status_code == 200  # absent: no change
    assert client.put(f"{url}/a b", headers=bob).status_code in (400, 422)

    added = outbox_events(chat_db, tenant, "chat.reaction.added.v1")
    assert sorted(e.data["emoji"] for e in added) == sorted(["🎉", "🎉", "👍"])
    [gone] = outbox_events(chat_db, tenant, "chat.reaction.removed.v1")
    assert gone.data["message_id"] == message["id"]

    other = make_tenant(chat_db)
    assert client.put(f"{url}/🎉", headers=other.headers).status_code == 404


def test_a_private_channels_message_cannot_be_reacted_to_by_a_non_member(client, tenant):
    channel = client.post(
        f"{API}/channels", json={"name": "board", "kind": "private"}, headers=tenant.headers
    ).json()
    message = client.post(
        f"{API}/channels/{channel['id']}/messages", json={"body": "Q4"}, headers=tenant.headers
    ).json()
    eve_key, _ = member_key(client, tenant.headers, "eve")
    answer = client.put(
        f"{API}/messages/{message['id']}/reactions/👀",
        headers={"Authorization": f"Bearer {eve_key}"},
    )
    assert answer.status_code == 404
