"""The ``notify.send`` service as other plugins call it, and email through an SMTP relay."""

from __future__ import annotations

from typing import Any

from nexus.testing import EventWorkerHarness, set_plugin_settings
from notify_smtp_sink import SmtpSink
from notify_support import API, handled, ok

REPLY = {
    "to": {"email": "ada@example.com", "name": "Ada", "locale": "en"},
    "subject": "Re: [#42] Printer on fire",
    "text": "We sent a technician.",
    "category": "support.replies",
    "idempotency_key": "ticket-42-reply-1",
    "reply_to": "support@acme.example",
    "email_headers": {"Message-ID": "<t42.r1@acme.example>", "In-Reply-To": "<t42@acme.example>"},
    "source_ref": "support.ticket:42",
}


def test_a_plugin_sends_through_the_service_and_falls_back_when_notify_is_off(
    client: Any, tenant: Any
) -> None:
    first = ok(client.post("/api/v1/caller/reply", json=REPLY, headers=tenant.headers))
    [delivery] = first["deliveries"]
    assert (delivery["channel"], delivery["state"]) == ("email", "queued")
    again = ok(client.post("/api/v1/caller/reply", json=REPLY, headers=tenant.headers))
    assert again["message_id"] == first["message_id"]  # the same idempotency key
    shown = ok(client.get(f"{API}/messages/{first['message_id']}", headers=tenant.headers))
    assert shown["source_ref"] == "support.ticket:42"
    ok(client.put("/api/v1/features/notify", json={"enabled": False}, headers=tenant.headers))
    assert ok(client.post("/api/v1/caller/reply", json=REPLY, headers=tenant.headers)) == {
        "fallback": True
    }


def test_email_through_an_smtp_relay(client: Any, tenant: Any, notify_db: str) -> None:
    sink = SmtpSink()
    try:
        set_plugin_settings(
            notify_db,
            tenant,
            "notify",
            {"email_transport": "smtp", "email_from": "desk@acme.example"},
        )
        relay = {"host": "127.0.0.1", "port": sink.port, "start_tls": False}
        ok(client.put(f"{API}/providers/smtp", json=relay, headers=tenant.headers))
        body = dict(REPLY, idempotency_key=None, html="<p>We sent a <b>technician</b>.</p>")
        with EventWorkerHarness(client) as worker:
            sent = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
            handled(worker, sent["deliveries"][0]["id"])
        [(sender, recipients, message)] = sink.wait_for(1)
    finally:
        sink.close()
    assert (sender, recipients) == ("desk@acme.example", ["ada@example.com"])
    assert message["Subject"] == "Re: [#42] Printer on fire"
    assert message["Message-ID"] == "<t42.r1@acme.example>"
    assert message["In-Reply-To"] == "<t42@acme.example>"
    assert message["Reply-To"] == "support@acme.example"
    assert message.is_multipart()
    [delivery] = ok(client.get(f"{API}/messages/{sent['id']}", headers=tenant.headers))[
        "deliveries"
    ]
    assert (delivery["state"], delivery["provider"]) == ("sent", "smtp")
