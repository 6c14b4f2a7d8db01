"""Inbound mail through the SMTP server, delivered by swaks: routing, checks, REST, events."""

from __future__ import annotations

import shutil
import uuid
from email.message import EmailMessage
from typing import TYPE_CHECKING, Any

import dkim
import nexus_mail
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from mail_support import API, DnsZone, add_mailbox, ok, swaks, verified_domain
from nexus.testing import outbox_events

if TYPE_CHECKING:
    from pathlib import Path

pytestmark = pytest.mark.skipif(
    shutil.which("swaks") is None, reason="swaks (Debian's SMTP client) is not on PATH"
)


def _server() -> tuple[str, int]:
    address = nexus_mail.inbound_address()
    assert address is not None, "the inbound SMTP server did not start"
    return address


def _signed_sender(zone: DnsZone) -> tuple[str, bytes]:
    """A sender domain publishing SPF (127.0.0.1), DMARC reject and a DKIM key: its key."""
    name = f"s{uuid.uuid4().hex[:10]}.example"
    key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    public = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    import base64

    zone.add(name, "TXT", "v=spf1 ip4:127.0.0.1 -all")
    zone.add(f"_dmarc.{name}", "TXT", "v=DMARC1; p=reject")
    zone.add(
        f"sel._domainkey.{name}", "TXT", f"v=DKIM1; k=rsa; p={base64.b64encode(public).decode()}"
    )
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption(),
    )
    return name, pem


def _message(sender: str, to: str, subject: str, **headers: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = f"Alice Example <{sender}>"
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@{sender.partition('@')[2]}>"
    for name, value in headers.items():
        message[name.replace("_", "-")] = value
    message.set_content("Our printer is on fire.\nPlease help.")
    return message


def test_mail_delivered_by_swaks_is_read_back_in_its_tenant_only(
    client: Any, tenant: Any, other_tenant: Any, zone: DnsZone, mail_db: str, tmp_path: Path
) -> None:
    domain = verified_domain(client, tenant, zone, f"in{uuid.uuid4().hex[:10]}.example")
    box = add_mailbox(client, tenant, domain["id"], "support")
    sender_domain, pem = _signed_sender(zone)
    sender = f"alice@{sender_domain}"
    message = _message(sender, box["address"], "Printer on fire")
    message.add_attachment(
        b"%PDF-1.4 report", maintype="application", subtype="pdf", filename="report.pdf"
    )
    raw = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    raw = dkim.sign(raw, b"sel", sender_domain.encode(), pem) + raw
    path = tmp_path / "message.eml"
    path.write_bytes(raw)

    done = swaks(_server(), sender=sender, to=box["address"], data=path, helo=sender_domain)
    assert done.returncode == 0, done.stdout + done.stderr

    page = ok(
        client.get(f"{API}/messages", params={"mailbox_id": box["id"]}, headers=tenant.headers)
    )
    [item] = page["items"]
    assert item["subject"] == "Printer on fire"
    assert item["from_address"] == sender
    shown = ok(client.get(f"{API}/messages/{item['id']}", headers=tenant.headers))
    assert shown["text"].strip() == "Our printer is on fire.\nPlease help."
    assert shown["auth"] == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    assert shown["rfc_message_id"] == message["Message-ID"]
    [attachment] = shown["attachments"]
    assert (attachment["filename"], attachment["size"]) == ("report.pdf", 15)
    download = client.get(f"{API}/attachments/{attachment['id']}", headers=tenant.headers)
    assert download.content == b"%PDF-1.4 report"
    # The other tenant sees nothing of it.
    assert (
        client.get(f"{API}/messages/{item['id']}", headers=other_tenant.headers).status_code == 404
    )
    assert (
        client.get(
            f"{API}/attachments/{attachment['id']}", headers=other_tenant.headers
        ).status_code
        == 404
    )
    assert ok(client.get(f"{API}/messages", headers=other_tenant.headers))["items"] == []
    [event] = outbox_events(mail_db, tenant, "mail.message.received.v1")
    assert event.subject == item["id"]
    assert event.data["to"] == [box["address"]]
    assert event.data["auth"] == {"spf": "pass", "dkim": "pass", "dmarc": "pass"}
    assert event.data["attachments"][0]["key"] == attachment["key"]
    assert outbox_events(mail_db, other_tenant, "mail.message.received.v1") == []


def test_unknown_recipients_are_refused_at_rcpt_with_550(
    client: Any, tenant: Any, zone: DnsZone, tmp_path: Path
) -> None:
    domain = verified_domain(client, tenant, zone, f"un{uuid.uuid4().hex[:10]}.example")
    path = tmp_path / "message.eml"
    path.write_bytes(bytes(_message("bob@elsewhere.example", "x@y", "Hi")))
    for to in (f"nobody@{domain['domain']}", "someone@not-routed.example"):
        done = swaks(_server(), sender="bob@elsewhere.example", to=to, data=path)
        assert done.returncode != 0
        assert "<** 550 5.1.1" in done.stdout, done.stdout


def test_replies_join_the_thread_and_search_finds_them(
    client: Any, tenant: Any, zone: DnsZone, tmp_path: Path
) -> None:
    domain = verified_domain(client, tenant, zone, f"th{uuid.uuid4().hex[:10]}.example")
    box = add_mailbox(client, tenant, domain["id"], "sales")
    sender = "carol@unsigned.example"
    first = _message(sender, box["address"], "Quote for 40 chairs")
    reply = _message(
        sender,
        box["address"],
        "Re: Quote for 40 chairs",
        In_Reply_To=first["Message-ID"],
        References=first["Message-ID"],
    )
    by_subject = _message(sender, box["address"], "RE:  quote for 40 chairs")
    other = _message(sender, box["address"], "Invoice overdue")
    for number, message in enumerate((first, reply, by_subject, other)):
        path = tmp_path / f"{number}.eml"
        path.write_bytes(bytes(message))
        assert swaks(_server(), sender=sender, to=box["address"], data=path).returncode == 0
    items = ok(
        client.get(f"{API}/messages", params={"mailbox_id": box["id"]}, headers=tenant.headers)
    )["items"]
    assert len(items) == 4
    threads = {item["subject"]: item["thread_id"] for item in items}
    assert threads["Re: Quote for 40 chairs"] == threads["Quote for 40 chairs"]
    assert threads["RE:  quote for 40 chairs"] == threads["Quote for 40 chairs"]
    assert threads["Invoice overdue"] != threads["Quote for 40 chairs"]
    thread = ok(
        client.get(f"{API}/threads/{threads['Quote for 40 chairs']}", headers=tenant.headers)
    )
    assert len(thread["messages"]) == 3
    found = ok(client.get(f"{API}/messages", params={"q": "overdue"}, headers=tenant.headers))
    assert [i["subject"] for i in found["items"]] == ["Invoice overdue"]
    auth = ok(client.get(f"{API}/messages/{items[0]['id']}", headers=tenant.headers))["auth"]
    assert auth == {"spf": "none", "dkim": "none", "dmarc": "none"}
