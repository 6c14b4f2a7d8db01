"""Channels, direct conversations, threads, edits with history, deletes, and who sees what."""

from __future__ import annotations

from chat_helpers import member_key
from nexus.testing import make_tenant

API = "/api/v1/chat"


def _auth(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_messages_come_back_in_order_with_threads_and_mentions(client, tenant):
    channel = client.post(f"{API}/channels", json={"name": "sales"}, headers=tenant.headers)
    assert channel.status_code == 201, channel.text
    channel_id = channel.json()["id"]
    posted = [
        client.post(
            f"{API}/channels/{channel_id}/messages", json={"body": f"n{i}"}, headers=tenant.headers
        ).json()
        for i in range(3)
    ]
    reply = client.post(
        f"{API}/channels/{channel_id}/messages",
        json={"body": "answer", "thread_id": posted[0]["id"]},
        headers=tenant.headers,
    )
    assert reply.status_code == 201
    listed = client.get(f"{API}/channels/{channel_id}/messages", headers=tenant.headers).json()
    assert [m["body"] for m in listed] == ["n0", "n1", "n2", "answer"]
    assert listed[3]["thread_id"] == posted[0]["id"]
    after = client.get(
        f"{API}/channels/{channel_id}/messages",
        params={"after": posted[1]["id"]},
        headers=tenant.headers,
    ).json()
    assert [m["body"] for m in after] == ["n2", "answer"]


def test_a_thread_of_another_channel_is_422_and_a_taken_name_409(client, tenant):
    one = client.post(f"{API}/channels", json={"name": "one"}, headers=tenant.headers).json()
    two = client.post(f"{API}/channels", json={"name": "two"}, headers=tenant.headers).json()
    first = client.post(
        f"{API}/channels/{one['id']}/messages", json={"body": "hi"}, headers=tenant.headers
    ).json()
    wrong = client.post(
        f"{API}/channels/{two['id']}/messages",
        json={"body": "x", "thread_id": first["id"]},
        headers=tenant.headers,
    )
    assert wrong.status_code == 422
    again = client.post(f"{API}/channels", json={"name": "ONE"}, headers=tenant.headers)
    assert again.status_code == 409
    empty = client.post(
        f"{API}/channels/{one['id']}/messages", json={"body": ""}, headers=tenant.headers
    )
    assert empty.status_code == 422


def test_edits_and_deletes_keep_the_history_and_only_the_author_may(client, tenant):
    key, _ = member_key(client, tenant.headers, "bob")
    channel = client.post(f"{API}/channels", json={"name": "ops"}, headers=tenant.headers).json()
    message = client.post(
        f"{API}/channels/{channel['id']}/messages", json={"body": "draft"}, headers=tenant.headers
    ).json()
    url = f"{API}/messages/{message['id']}"

    assert client.patch(url, json={"body": "hijack"}, headers=_auth(key)).status_code == 404
    edited = client.patch(url, json={"body": "final"}, headers=tenant.headers)
    assert edited.status_code == 200
    assert edited.json()["body"] == "final"
    assert edited.json()["edited_at"]
    deleted = client.delete(url, headers=tenant.headers)
    assert deleted.status_code == 200
    assert deleted.json()["body"] == ""
    history = client.get(f"{url}/history", headers=tenant.headers).json()
    assert [h["body"] for h in history] == ["draft", "final"]
    assert client.delete(url, headers=tenant.headers).status_code == 404


def test_private_and_direct_channels_are_404_to_non_members(client, tenant, chat_db):
    key, actor = member_key(client, tenant.headers, "carol")
    outsider, _ = member_key(client, tenant.headers, "dave")
    private = client.post(
        f"{API}/channels", json={"name": "board", "kind": "private"}, headers=tenant.headers
    ).json()
    direct = client.post(
        f"{API}/channels/direct", json={"members": [actor]}, headers=tenant.headers
    ).json()
    assert direct["kind"] == "direct"

    for channel in (private, direct):
        messages = f"{API}/channels/{channel['id']}/messages"
        assert client.get(messages, headers=_auth(outsider)).status_code == 404
        assert client.post(messages, json={"body": "x"}, headers=_auth(outsider)).status_code == 404
    assert (
        client.get(f"{API}/channels/{direct['id']}/messages", headers=_auth(key)).status_code == 200
    )
    seen = {c["id"] for c in client.get(f"{API}/channels", headers=_auth(outsider)).json()}
    assert private["id"] not in seen
    assert direct["id"] not in seen

    other = make_tenant(chat_db)
    assert client.get(f"{API}/channels", headers=other.headers).json() == []
    gone = client.get(f"{API}/channels/{private['id']}/messages", headers=other.headers)
    assert gone.status_code == 404


def test_unread_counts_follow_what_a_member_has_read(client, tenant):
    key, actor = member_key(client, tenant.headers, "erin")
    channel = client.post(
        f"{API}/channels", json={"name": "news", "members": [actor]}, headers=tenant.headers
    ).json()
    posted = [
        client.post(
            f"{API}/channels/{channel['id']}/messages",
            json={"body": f"item {i}"},
            headers=tenant.headers,
        ).json()
        for i in range(3)
    ]

    def unread() -> int:
        listed = client.get(f"{API}/channels", headers=_auth(key)).json()
        return next(c["unread"] for c in listed if c["id"] == channel["id"])

    assert unread() == 3
    read = client.put(
        f"{API}/channels/{channel['id']}/read",
        json={"message_id": posted[1]["id"]},
        headers=_auth(key),
    )
    assert read.status_code == 200, read.text
    assert read.json()["unread"] == 1
    assert unread() == 1
    client.delete(f"{API}/messages/{posted[2]['id']}", headers=tenant.headers)
    assert unread() == 0


def test_search_finds_words_in_the_channels_the_caller_sees(client, tenant, chat_db):
    outsider, _ = member_key(client, tenant.headers, "frank")
    public = client.post(f"{API}/channels", json={"name": "lobby"}, headers=tenant.headers).json()
    private = client.post(
        f"{API}/channels", json={"name": "vault", "kind": "private"}, headers=tenant.headers
    ).json()
    for channel, text in ((public, "quarterly invoice ready"), (private, "secret invoice")):
        client.post(
            f"{API}/channels/{channel['id']}/messages", json={"body": text}, headers=tenant.headers
        )

    mine = client.get(f"{API}/search", params={"q": "invoice"}, headers=tenant.headers).json()
    assert sorted(m["body"] for m in mine) == ["quarterly invoice ready", "secret invoice"]
    theirs = client.get(f"{API}/search", params={"q": "invoice"}, headers=_auth(outsider)).json()
    assert [m["body"] for m in theirs] == ["quarterly invoice ready"]
    other = make_tenant(chat_db)
    assert client.get(f"{API}/search", params={"q": "invoice"}, headers=other.headers).json() == []
