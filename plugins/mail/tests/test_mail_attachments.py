"""Files of the tenant's store attached to a requested email: signed with it, intact."""

from __future__ import annotations

import hashlib
import os
import uuid
from email import message_from_bytes, policy
from typing import Any

import dkim
from mail_support import Sink, add_domain, ok
from nexus.testing import EventWorkerHarness, outbox_events, set_plugin_settings

PDF = b"%PDF-1.7\n" + os.urandom(30_000) + b"\n%%EOF\n"


def _request(delivery_id: str, domain: str, key: str) -> dict[str, Any]:
    return {
        "delivery_id": delivery_id,
        "to_address": "grace@remote.example",
        "to_name": "Grace",
        "from_address": f"billing@{domain}",
        "reply_to": None,
        "subject": "Invoice INV-9",
        "text": "Invoice INV-9 is attached.",
        "html": None,
        "headers": {},
        "category": "finance.invoice",
        "attachments": [
            {
                "blob_key": key,
                "filename": "INV-9.pdf",
                "content_type": "application/pdf",
                "size": len(PDF),
            }
        ],
    }


def test_an_attachment_goes_out_signed_and_intact_and_a_missing_one_fails(
    client: Any, tenant: Any, mail_db: str, sink: Sink
) -> None:
    set_plugin_settings(mail_db, tenant, "mail", {"relay_port": sink.port})
    domain = add_domain(client, tenant, f"a{uuid.uuid4().hex[:10]}.example")
    ok(
        client.put(
            "/api/v1/notify/files/finance/invoices/9.pdf",
            content=PDF,
            headers={**tenant.headers, "Content-Type": "application/pdf"},
        )
    )
    count = len(sink.messages)
    sent_ref, missing_ref = str(uuid.uuid4()), str(uuid.uuid4())
    with EventWorkerHarness(client) as worker:
        for ref, key in ((sent_ref, "finance/invoices/9.pdf"), (missing_ref, "gone/9.pdf")):
            request = _request(ref, domain["domain"], key)
            ok(client.post("/api/v1/notify/publish", json=request, headers=tenant.headers))
        worker.wait_handled("mail", 2)
    _from, rcpt, raw = sink.wait_for(count + 1)[count]
    assert rcpt == ["grace@remote.example"]
    [record] = [r for r in domain["records"] if r["purpose"] == "dkim"]

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        return record["value"].encode() if name.decode().rstrip(".") == record["name"] else None

    assert dkim.verify(raw, dnsfunc=dns)
    message = message_from_bytes(raw, policy=policy.default)
    assert "INV-9 is attached" in message.get_body(("plain",)).get_content()
    [part] = list(message.iter_attachments())
    assert (part.get_filename(), part.get_content_type()) == ("INV-9.pdf", "application/pdf")
    assert hashlib.sha256(part.get_content()).digest() == hashlib.sha256(PDF).digest()
    [failed] = outbox_events(mail_db, tenant, "mail.outbound.failed.v1")
    assert failed.data["delivery_ref"] == missing_ref
    assert "INV-9.pdf is not in the files store" in failed.data["error"]
    assert failed.data["permanent"] is True
