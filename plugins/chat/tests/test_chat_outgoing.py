"""Outgoing webhooks (signed POSTs to a local receiver); Chat without Notification or Drive."""

from __future__ import annotations

import hashlib
import hmac
import http.server
import json
import threading
import time
from typing import TYPE_CHECKING, Any
from uuid import uuid4

import asyncpg
import pytest
from nexus.testing import EventWorkerHarness, make_tenant, run_sync
from nexus_chat._secrets import decrypt

if TYPE_CHECKING:
    from collections.abc import Iterator

API = "/api/v1/chat"


class _Receiver(http.server.BaseHTTPRequestHandler):
    """Answers 503 to the first ``fail_first`` POSTs, then records them and answers 204."""

    received: list[dict[str, Any]]
    fail_first = 0
    attempts = 0

    def do_POST(self) -> None:  # noqa: N802 - the http.server name
        type(self).attempts += 1
        payload = self.rfile.read(int(self.headers["Content-Length"]))
        if type(self).attempts <= type(self).fail_first:
            self.send_response(503)
            self.end_headers()
            return
        self.received.append({"headers": dict(self.headers), "payload": payload})
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        del args


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, type[_Receiver]]]:
    monkeypatch.setenv("NEXUS_CHAT_ALLOW_PRIVATE_URLS", "1")
    handler = type("Receiver", (_Receiver,), {"received": [], "attempts": 0, "fail_first": 1})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/hook", handler
    finally:
        server.shutdown()
        server.server_close()


def _verify(secret: str, headers: dict[str, str], payload: bytes) -> bool:
    stamp = headers["X-Chat-Timestamp"]
    expected = hmac.new(secret.encode(), f"{stamp}.".encode() + payload, hashlib.sha256)
    fresh = abs(time.time() - int(stamp)) < 300
    return fresh and hmac.compare_digest(
        headers["X-Chat-Signature"], f"sha256={expected.hexdigest()}"
    )


def test_new_messages_are_posted_signed_to_the_channels_outgoing_webhook(
    client, tenant, chat_db, receiver
):
    url, handler = receiver
    channel = client.post(f"{API}/channels", json={"name": "ci"}, headers=tenant.headers).json()
    quiet = client.post(f"{API}/channels", json={"name": "quiet"}, headers=tenant.headers).json()
    hook = client.post(
        f"{API}/channels/{channel['id']}/outgoing-webhooks",
        json={"url": url},
        headers=tenant.headers,
    )
    assert hook.status_code == 201, hook.text
    secret = hook.json()["secret"]
    with EventWorkerHarness(client) as worker:
        posted = client.post(
            f"{API}/channels/{channel['id']}/messages",
            json={"body": "build 42 green"},
            headers=tenant.headers,
        ).json()
        client.post(
            f"{API}/channels/{quiet['id']}/messages", json={"body": "x"}, headers=tenant.headers
        )
        worker.wait_handled("chat", 2)
    [delivery] = handler.received  # the first attempt got 503; the retry was accepted
    assert handler.attempts == 2
    assert _verify(secret, delivery["headers"], delivery["payload"])
    assert not _verify("another secret", delivery["headers"], delivery["payload"])
    sent = json.loads(delivery["payload"])
    assert sent["type"] == "chat.message.posted.v1"
    assert sent["message"]["id"] == posted["id"] and sent["message"]["body"] == "build 42 green"
    assert delivery["headers"]["X-Chat-Delivery"] == f"{posted['id']}:{hook.json()['id']}"

    listed = client.get(
        f"{API}/channels/{channel['id']}/outgoing-webhooks", headers=tenant.headers
    ).json()
    assert [(h["id"], h["url"]) for h in listed] == [(hook.json()["id"], url)]
    assert "secret" not in listed[0]
    other = make_tenant(chat_db)
    assert (
        client.delete(
            f"{API}/outgoing-webhooks/{hook.json()['id']}", headers=other.headers
        ).status_code
        == 404
    )
    gone = client.delete(f"{API}/outgoing-webhooks/{hook.json()['id']}", headers=tenant.headers)
    assert gone.status_code == 204


def test_a_private_address_is_refused_without_the_allowance(client, tenant):
    channel = client.post(f"{API}/channels", json={"name": "lan"}, headers=tenant.headers).json()
    for url in ("http://127.0.0.1:9/hook", "http://169.254.169.254/latest", "ftp://example.com/x"):
        answer = client.post(
            f"{API}/channels/{channel['id']}/outgoing-webhooks",
            json={"url": url},
            headers=tenant.headers,
        )
        assert answer.status_code == 422, url


def test_without_drive_attachments_are_409_and_without_notify_mentions_are_skipped(client, tenant):
    channel = client.post(f"{API}/channels", json={"name": "solo"}, headers=tenant.headers).json()
    refused = client.post(
        f"{API}/channels/{channel['id']}/messages",
        json={"body": "x", "attachments": [str(uuid4())]},
        headers=tenant.headers,
    )
    assert refused.status_code == 409
    assert refused.json()["blocking"] == ["drive"]
    with client.websocket_connect(f"{API}/ws", headers=tenant.headers) as socket:
        assert socket.receive_json()["type"] == "hello"
        frame = {"type": "post", "channel_id": channel["id"], "body": "x"}
        socket.send_json({**frame, "attachments": [str(uuid4())]})
        error = socket.receive_json()
        assert error["type"] == "error" and error["status"] == 409
    with EventWorkerHarness(client) as worker:
        posted = client.post(
            f"{API}/channels/{channel['id']}/messages",
            json={"body": f"hi @user:{uuid4()}"},
            headers=tenant.headers,
        )
        assert posted.status_code == 201
        worker.wait_handled("chat", 1)  # handled (committed), not parked for a retry


def test_the_secret_is_kept_encrypted_and_needs_the_keys(
    client, tenant, chat_db, receiver, monkeypatch
):
    """The signing secret is stored encrypted with NEXUS_CHAT_KEYS; without the setting,
    creating a webhook answers 409 naming it, and nothing is kept."""
    channel = client.post(f"{API}/channels", json={"name": "ops"}, headers=tenant.headers).json()
    url = f"{API}/channels/{channel['id']}/outgoing-webhooks"
    target, _ = receiver
    made = client.post(url, json={"url": target}, headers=tenant.headers)
    assert made.status_code == 201, made.text
    secret = made.json()["secret"]

    async def stored() -> list[str]:
        conn = await asyncpg.connect(chat_db)
        try:
            rows = await conn.fetch(
                "select secret from chat_outgoing where id = $1", made.json()["id"]
            )
        finally:
            await conn.close()
        return [row["secret"] for row in rows]

    [kept] = run_sync(stored())
    assert secret not in kept
    assert decrypt(kept) == secret
    monkeypatch.delenv("NEXUS_CHAT_KEYS")
    refused = client.post(url, json={"url": target}, headers=tenant.headers)
    assert refused.status_code == 409
    assert "NEXUS_CHAT_KEYS" in refused.json()["detail"]
    listed = client.get(url, headers=tenant.headers).json()
    assert [h["id"] for h in listed] == [made.json()["id"]]
