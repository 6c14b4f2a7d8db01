"""Chat's assistant tool: ``chat.messages.post`` posts as the user the assistant acts for."""

from __future__ import annotations

from nexus.testing import call_tool, list_tools, make_tenant


def test_the_tool_posts_as_the_user_once_confirmed(client, tenant, chat_db):
    channel = client.post(
        "/api/v1/chat/channels", json={"name": "general", "kind": "public"}, headers=tenant.headers
    ).json()
    post = {"channel_id": channel["id"], "body": "Stand-up moved to 10:00"}

    assert "chat.messages.post" in {spec.name for spec in list_tools(client, tenant)}
    unconfirmed = call_tool(client, tenant, "chat.messages.post", post)
    assert unconfirmed.confirmation_required
    posted = call_tool(client, tenant, "chat.messages.post", post, confirmed=True)

    assert posted.ok, posted.error
    assert posted.result["author"].startswith("user:")
    listed = client.get(
        f"/api/v1/chat/channels/{channel['id']}/messages", headers=tenant.headers
    ).json()
    assert [(m["body"], m["author"]) for m in listed] == [
        ("Stand-up moved to 10:00", posted.result["author"])
    ]
    reply = call_tool(
        client,
        tenant,
        "chat.messages.post",
        {**post, "body": "Thanks", "thread_id": posted.result["id"]},
        confirmed=True,
    )
    assert reply.ok and reply.result["thread_id"] == posted.result["id"]


def test_another_tenants_channel_is_not_found(client, tenant, chat_db):
    other = make_tenant(chat_db)
    theirs = client.post(
        "/api/v1/chat/channels", json={"name": "private", "kind": "public"}, headers=other.headers
    ).json()

    answer = call_tool(
        client,
        tenant,
        "chat.messages.post",
        {"channel_id": theirs["id"], "body": "hello"},
        confirmed=True,
    )

    assert not answer.ok and "not found" in (answer.error or "").lower()
    listed = client.get(
        f"/api/v1/chat/channels/{theirs['id']}/messages", headers=other.headers
    ).json()
    assert listed == []
