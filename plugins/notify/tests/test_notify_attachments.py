"""Files of the tenant's store attached to email: intact through the relay, capped, checked."""

from __future__ import annotations

import hashlib
import os
from typing import Any

from nexus.testing import EventWorkerHarness, outbox_events, set_plugin_settings
from notify_smtp_sink import SmtpSink
from notify_support import API, handled, ok

PDF = b"%PDF-1.7\n" + os.urandom(40_000) + b"\n%%EOF\n"


def _keep(client: Any, tenant: Any, key: str, data: bytes, content_type: str) -> None:
    ok(
        client.put(
            f"/api/v1/caller/files/{key}",
            content=data,
            headers={**tenant.headers, "Content-Type": content_type},
        )
    )


def _message(key: str, **extra: Any) -> dict[str, Any]:
    return {
        "to": {"email": "ada@example.com", "name": "Ada"},
        "category": "finance.invoice",
        "subject": "Invoice INV-7",
        "text": "Your invoice is attached.",
        "attachments": [
            {"blob_key": key, "filename": "INV-7.pdf", "content_type": "application/pdf"}
        ],
        **extra,
    }


def _delivery(client: Any, tenant: Any, message_id: str) -> dict[str, Any]:
    shown = ok(client.get(f"{API}/messages/{message_id}", headers=tenant.headers))
    [delivery] = shown["deliveries"]
    return dict(delivery)


def test_an_attachment_arrives_intact_through_the_smtp_relay(
    client: Any, tenant: Any, notify_db: str
) -> None:
    _keep(client, tenant, "finance/invoices/7.pdf", PDF, "application/pdf")
    sink = SmtpSink()
    try:
        set_plugin_settings(
            notify_db,
            tenant,
            "notify",
            {"email_transport": "smtp", "email_from": "billing@acme.example"},
        )
        relay = {"host": "127.0.0.1", "port": sink.port, "start_tls": False}
        ok(client.put(f"{API}/providers/smtp", json=relay, headers=tenant.headers))
        with EventWorkerHarness(client) as worker:
            sent = ok(
                client.post(
                    f"{API}/messages",
                    json=_message("finance/invoices/7.pdf"),
                    headers=tenant.headers,
                ),
                201,
            )
            handled(worker, sent["deliveries"][0]["id"])
        [(_sender, recipients, message)] = sink.wait_for(1)
    finally:
        sink.close()
    assert recipients == ["ada@example.com"]
    [part] = [p for p in message.walk() if p.get_filename()]
    assert (part.get_filename(), part.get_content_type()) == ("INV-7.pdf", "application/pdf")
    received = part.get_payload(decode=True)
    assert hashlib.sha256(received).digest() == hashlib.sha256(PDF).digest()
    assert _delivery(client, tenant, sent["id"])["state"] == "sent"


def test_the_mail_transport_hands_the_files_to_mail_with_their_size(
    client: Any, tenant: Any, notify_db: str
) -> None:
    _keep(client, tenant, "hr/payslips/3.pdf", b"%PDF-payslip", "application/pdf")
    with EventWorkerHarness(client) as worker:
        sent = ok(
            client.post(
                f"{API}/messages", json=_message("hr/payslips/3.pdf"), headers=tenant.headers
            ),
            201,
        )
        handled(worker, sent["deliveries"][0]["id"])
    [requested] = outbox_events(notify_db, tenant, "notify.email.requested.v1")
    assert requested.data["attachments"] == [
        {
            "blob_key": "hr/payslips/3.pdf",
            "filename": "INV-7.pdf",
            "content_type": "application/pdf",
            "size": len(b"%PDF-payslip"),
        }
    ]


def test_files_over_the_cap_or_missing_fail_the_email_for_good(
    client: Any, tenant: Any, notify_db: str
) -> None:
    set_plugin_settings(notify_db, tenant, "notify", {"max_attachment_bytes": 10_000})
    _keep(client, tenant, "big/one.pdf", PDF, "application/pdf")
    with EventWorkerHarness(client) as worker:
        big = ok(
            client.post(f"{API}/messages", json=_message("big/one.pdf"), headers=tenant.headers),
            201,
        )
        gone = ok(
            client.post(f"{API}/messages", json=_message("never/put.pdf"), headers=tenant.headers),
            201,
        )
        handled(worker, big["deliveries"][0]["id"], gone["deliveries"][0]["id"])
    too_big = _delivery(client, tenant, big["id"])
    assert too_big["state"] == "failed"
    assert "INV-7.pdf" in too_big["error"] and "10000" in too_big["error"]
    missing = _delivery(client, tenant, gone["id"])
    assert missing["state"] == "failed"
    assert "not in the files store" in missing["error"]


def test_a_key_outside_the_store_is_refused(client: Any, tenant: Any) -> None:
    refused = client.post(f"{API}/messages", json=_message("../etc/passwd"), headers=tenant.headers)
    assert refused.status_code == 422, refused.text
    assert "attachments[0].blob_key" in refused.text
