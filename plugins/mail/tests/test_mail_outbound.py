"""Outbound mail: drafts sent through a local relay, DKIM-signed and verified with dkimpy."""

from __future__ import annotations

import uuid
from email import message_from_bytes, policy
from typing import Any

import dkim
from mail_support import API, Sink, add_domain, add_mailbox, ok
from nexus.testing import outbox_events, run_sync, set_plugin_settings, tenant_transaction


def _relay(mail_db: str, tenant: Any, sink: Sink) -> None:
    set_plugin_settings(mail_db, tenant, "mail", {"relay_port": sink.port})


def _dns_key(domain: dict[str, Any]) -> Any:
    [record] = [r for r in domain["records"] if r["purpose"] == "dkim"]

    def dnsfunc(name: bytes, timeout: int = 5) -> bytes | None:
        return record["value"].encode() if name.decode().rstrip(".") == record["name"] else None

    return dnsfunc


async def _stored_key(mail_db: str, tenant: Any, domain_id: str) -> str:
    async with tenant_transaction(mail_db, tenant) as conn:
        return str(
            await conn.fetchval(
                "select private_key from mail_domain where id = $1::uuid", domain_id
            )
        )


def test_a_sent_draft_arrives_dkim_signed_and_its_signature_verifies(
    client: Any, tenant: Any, mail_db: str, sink: Sink
) -> None:
    _relay(mail_db, tenant, sink)
    name = f"o{uuid.uuid4().hex[:10]}.example"
    domain = add_domain(client, tenant, name)
    box = add_mailbox(client, tenant, domain["id"], "ada")
    draft = ok(
        client.post(
            f"{API}/mailboxes/{box['id']}/drafts",
            json={"to": ["grace@example.org"], "subject": "Figures", "text": "Hello Grace"},
            headers=tenant.headers,
        ),
        201,
    )
    assert draft["state"] == "draft"
    count = len(sink.messages)
    sent = ok(client.post(f"{API}/drafts/{draft['id']}/send", json={}, headers=tenant.headers))
    assert sent["state"] == "sent", sent
    stored = run_sync(_stored_key(mail_db, tenant, domain["id"]))
    assert stored.startswith("fernet:") and "PRIVATE KEY" not in stored
    mail_from, rcpt, raw = sink.wait_for(count + 1)[count]
    assert (mail_from, rcpt) == (f"bounces@{name}", ["grace@example.org"])
    assert raw.startswith(b"DKIM-Signature:")
    assert dkim.verify(raw, dnsfunc=_dns_key(domain))
    assert not dkim.verify(raw.replace(b"Hello Grace", b"Hello Grack"), dnsfunc=_dns_key(domain))
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Message-ID"] == sent["rfc_message_id"]
    assert message.get_content().strip() == "Hello Grace"
    [event] = outbox_events(mail_db, tenant, "mail.outbound.sent.v1")
    assert event.data == {
        "message_id": draft["id"],
        "delivery_ref": None,
        "rfc_message_id": sent["rfc_message_id"],
        "to": ["grace@example.org"],
    }
    folders = ok(client.get(f"{API}/mailboxes/{box['id']}/folders", headers=tenant.headers))
    sent_folder = next(f["id"] for f in folders if f["role"] == "sent")
    assert sent["folder_id"] == sent_folder
    again = client.post(f"{API}/drafts/{draft['id']}/send", json={}, headers=tenant.headers)
    assert again.status_code == 409


def test_a_refused_recipient_fails_permanently(
    client: Any, tenant: Any, mail_db: str, sink: Sink
) -> None:
    _relay(mail_db, tenant, sink)
    domain = add_domain(client, tenant, f"r{uuid.uuid4().hex[:10]}.example")
    box = add_mailbox(client, tenant, domain["id"], "ada")
    draft = ok(
        client.post(
            f"{API}/mailboxes/{box['id']}/drafts",
            json={"to": ["refused@example.org"], "subject": "x", "text": "y"},
            headers=tenant.headers,
        ),
        201,
    )
    failed = ok(client.post(f"{API}/drafts/{draft['id']}/send", json={}, headers=tenant.headers))
    assert failed["state"] == "failed"
    assert "550" in failed["error"]
    [event] = outbox_events(mail_db, tenant, "mail.outbound.failed.v1")
    assert event.data["permanent"] is True
    assert event.data["message_id"] == draft["id"]


def test_an_unreachable_relay_fails_temporarily(client: Any, tenant: Any, mail_db: str) -> None:
    from mail_support import free_port

    set_plugin_settings(
        mail_db, tenant, "mail", {"relay_port": free_port(), "relay_timeout_seconds": 2}
    )
    domain = add_domain(client, tenant, f"u{uuid.uuid4().hex[:10]}.example")
    box = add_mailbox(client, tenant, domain["id"], "ada")
    draft = ok(
        client.post(
            f"{API}/mailboxes/{box['id']}/drafts",
            json={"to": ["grace@example.org"], "subject": "x", "text": "y"},
            headers=tenant.headers,
        ),
        201,
    )
    failed = ok(client.post(f"{API}/drafts/{draft['id']}/send", json={}, headers=tenant.headers))
    assert failed["state"] == "failed"
    [event] = outbox_events(mail_db, tenant, "mail.outbound.failed.v1")
    assert event.data["permanent"] is False
