"""Notification's emails through Mail, and their bounces (DSN) and complaints (ARF)."""

from __future__ import annotations

import shutil
import uuid
from email.message import EmailMessage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from typing import TYPE_CHECKING, Any

import nexus_mail
import pytest
from mail_support import API, DnsZone, Sink, ok, swaks, verified_domain
from nexus.testing import EventWorkerHarness, outbox_events, set_plugin_settings

if TYPE_CHECKING:
    from pathlib import Path


def _request(delivery_id: str, to: str, **fields: Any) -> dict[str, Any]:
    return {
        "delivery_id": delivery_id,
        "to_address": to,
        "to_name": "Grace",
        "from_address": None,
        "reply_to": None,
        "subject": "Your invoice",
        "text": "Invoice INV-7 is attached.",
        "html": "<p>Invoice <b>INV-7</b> is attached.</p>",
        "headers": {},
        "category": "finance.invoices",
        **fields,
    }


def _dsn(original: bytes, recipient: str, sender_domain: str) -> bytes:
    report = MIMEMultipart("report", report_type="delivery-status")
    report["From"] = f"MAILER-DAEMON@{sender_domain}"
    report["Subject"] = "Undelivered Mail Returned to Sender"
    report.attach(MIMEText("Your message could not be delivered."))
    status = EmailMessage()
    status.set_payload("")
    per_message, per_recipient = EmailMessage(), EmailMessage()
    per_message["Reporting-MTA"] = "dns; mx.remote.example"
    per_recipient["Final-Recipient"] = f"rfc822; {recipient}"
    per_recipient["Action"] = "failed"
    per_recipient["Status"] = "5.1.1"
    per_recipient["Diagnostic-Code"] = "smtp; 550 5.1.1 user unknown"
    delivery = MIMEMessage(per_message, "delivery-status")
    delivery.set_payload([per_message, per_recipient])
    report.attach(delivery)
    headers = original.split(b"\r\n\r\n", 1)[0].decode()
    returned = MIMEText(headers, "rfc822-headers")
    report.attach(returned)
    return report.as_bytes()


def test_a_requested_email_is_sent_once_and_its_bounce_reaches_notification(
    client: Any, tenant: Any, mail_db: str, sink: Sink, zone: DnsZone, tmp_path: Path
) -> None:
    set_plugin_settings(mail_db, tenant, "mail", {"relay_port": sink.port})
    domain = verified_domain(client, tenant, zone, f"n{uuid.uuid4().hex[:10]}.example")
    delivery_id = str(uuid.uuid4())
    count = len(sink.messages)
    request = _request(
        delivery_id,
        "grace@remote.example",
        headers={"Message-ID": f"<{delivery_id}@support.example>"},
    )
    with EventWorkerHarness(client) as worker:
        for _ in range(2):  # the same delivery twice: one message
            ok(client.post("/api/v1/notify/publish", json=request, headers=tenant.headers))
        worker.wait_handled("mail", 2)
    mail_from, rcpt, raw = sink.wait_for(count + 1)[count]
    assert len(sink.messages) == count + 1
    assert (mail_from, rcpt) == (f"bounces@{domain['domain']}", ["grace@remote.example"])
    assert f"Message-ID: <{delivery_id}@support.example>".encode() in raw
    assert b"To: Grace <grace@remote.example>" in raw
    [sent] = outbox_events(mail_db, tenant, "mail.outbound.sent.v1")
    assert sent.data["delivery_ref"] == delivery_id
    assert sent.data["rfc_message_id"] == f"<{delivery_id}@support.example>"
    assert sent.data["to"] == ["grace@remote.example"]

    if shutil.which("swaks") is None:
        pytest.skip("swaks (Debian's SMTP client) is not on PATH: the bounce is not delivered")
    address = nexus_mail.inbound_address()
    assert address is not None
    path = tmp_path / "dsn.eml"
    path.write_bytes(_dsn(raw, "grace@remote.example", "remote.example"))
    done = swaks(address, sender="", to=f"bounces@{domain['domain']}", data=path)
    assert done.returncode == 0, done.stdout
    [bounced] = outbox_events(mail_db, tenant, "mail.outbound.bounced.v1")
    assert bounced.data == {
        "message_id": sent.data["message_id"],
        "delivery_ref": delivery_id,
        "recipient": "grace@remote.example",
        "kind": "bounce",
        "status": "5.1.1",
        "diagnostic": "smtp; 550 5.1.1 user unknown",
    }
    shown = ok(client.get(f"{API}/messages/{sent.data['message_id']}", headers=tenant.headers))
    assert shown["state"] == "bounced"
    # The address is suppressed: the next email to it fails at once, permanently.
    again = str(uuid.uuid4())
    with EventWorkerHarness(client) as worker:
        ok(
            client.post(
                "/api/v1/notify/publish",
                json=_request(again, "grace@remote.example"),
                headers=tenant.headers,
            )
        )
        worker.wait_handled("mail", 1)
    [failed] = outbox_events(mail_db, tenant, "mail.outbound.failed.v1")
    assert (failed.data["delivery_ref"], failed.data["permanent"]) == (again, True)
    assert "suppressed" in failed.data["error"]


def test_a_tenant_without_a_domain_fails_the_request_permanently(
    client: Any, tenant: Any, mail_db: str
) -> None:
    delivery_id = str(uuid.uuid4())
    with EventWorkerHarness(client) as worker:
        ok(
            client.post(
                "/api/v1/notify/publish",
                json=_request(delivery_id, "x@remote.example"),
                headers=tenant.headers,
            )
        )
        worker.wait_handled("mail", 1)
    [failed] = outbox_events(mail_db, tenant, "mail.outbound.failed.v1")
    assert failed.data["delivery_ref"] == delivery_id
    assert failed.data["permanent"] is True


def test_a_header_smuggling_a_line_break_fails_and_nothing_is_sent(
    client: Any, tenant: Any, mail_db: str, sink: Sink
) -> None:
    set_plugin_settings(mail_db, tenant, "mail", {"relay_port": sink.port})
    domain = ok(
        client.post(
            f"{API}/domains",
            json={"domain": f"h{uuid.uuid4().hex[:8]}.example"},
            headers=tenant.headers,
        ),
        201,
    )
    delivery_id = str(uuid.uuid4())
    count = len(sink.messages)
    request = _request(
        delivery_id,
        "x@remote.example",
        from_address=f"news@{domain['domain']}",
        headers={"Message-ID": "<a@b>\r\nBcc: victim@remote.example"},
    )
    with EventWorkerHarness(client) as worker:
        ok(client.post("/api/v1/notify/publish", json=request, headers=tenant.headers))
        worker.wait_handled("mail", 1)
    [failed] = outbox_events(mail_db, tenant, "mail.outbound.failed.v1")
    assert (failed.data["delivery_ref"], failed.data["permanent"]) == (delivery_id, True)
    assert len(sink.messages) == count
