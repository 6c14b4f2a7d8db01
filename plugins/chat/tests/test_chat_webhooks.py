"""Incoming webhooks: a bot posts with its secret; a wrong one or another tenant's is 404."""

from __future__ import annotations

from nexus.testing import make_tenant

API = "/api/v1/chat"


def test_a_bot_posts_through_its_webhook_and_only_with_its_secret(client, tenant, chat_db):
    channel = client.post(
        f"{API}/channels", json={"name": "deploys", "kind": "private"}, headers=tenant.headers
    ).json()
    hook = client.post(
        f"{API}/channels/{channel['id']}/webhooks",
        json={"name": "deploy-bot"},
        headers=tenant.headers,
    )
    assert hook.status_code == 201, hook.text
    hook_id, secret = hook.json()["id"], hook.json()["secret"]
    url = f"{API}/public/{tenant.slug}/hooks/{hook_id}"

    posted = client.post(
        url, json={"body": "Deployed v1.4.2"}, headers={"Authorization": f"Bearer {secret}"}
    )
    assert posted.status_code == 201, posted.text
    assert posted.json()["author"] == "bot:deploy-bot"
    listed = client.get(f"{API}/channels/{channel['id']}/messages", headers=tenant.headers)
    assert [m["body"] for m in listed.json()] == ["Deployed v1.4.2"]

    wrong = client.post(url, json={"body": "x"}, headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 404
    other = make_tenant(chat_db)
    elsewhere = client.post(
        f"{API}/public/{other.slug}/hooks/{hook_id}",
        json={"body": "x"},
        headers={"Authorization": f"Bearer {secret}"},
    )
    assert elsewhere.status_code == 404
    assert (
        len(client.get(f"{API}/channels/{channel['id']}/messages", headers=tenant.headers).json())
        == 1
    )
