"""A posted invoice reaches its customer's inbox with its PDF: Finance → Notification → Mail.

Finance renders the PDF into the tenant's files store on its own ``finance.invoice.posted.v1``
(``finance.invoice.rendered.v1`` says where), then ``POST /invoices/{id}/send`` calls
``notify.send`` with the file as an attachment; Notification hands the email to Mail, which
reads the file from the same store, signs the message with the tenant's DKIM key and relays
it to a local SMTP server. The plugins only meet through their contracts.
"""

from __future__ import annotations

import socket
import threading
import uuid
from email import message_from_bytes, policy
from typing import TYPE_CHECKING, Any

import dkim
import msgspec
import nexus_finance
import nexus_mail
import nexus_notify
import pytest
from aiosmtpd.controller import Controller
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    kernel_settings,
    make_tenant,
    migrated_database,
    outbox_events,
    set_plugin_settings,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_finance, nexus_mail, nexus_notify]
API = "/api/v1/finance"


class _Inbox:
    """What the relay received: (envelope sender, recipients, message bytes)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.arrived = threading.Condition()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        with self.arrived:
            self.messages.append(
                (envelope.mail_from, list(envelope.rcpt_tos), bytes(envelope.original_content))
            )
            self.arrived.notify_all()
        return "250 OK"

    def wait_for(self, count: int) -> list[tuple[str, list[str], bytes]]:
        with self.arrived:
            assert self.arrived.wait_for(lambda: len(self.messages) >= count, 30)
            return list(self.messages)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def relay() -> Iterator[tuple[_Inbox, int]]:
    inbox, port = _Inbox(), _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield inbox, port
    controller.stop()


@pytest.fixture(scope="module")
def world(
    nexus_postgres_server: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Any, str]]:
    settings = kernel_settings(data_dir=tmp_path_factory.mktemp("finance-mail"))
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url, settings=settings) as client,
    ):
        yield client, url


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def test_a_posted_invoice_sent_arrives_signed_with_its_pdf(
    world: tuple[Any, str], relay: tuple[_Inbox, int]
) -> None:
    client, url = world
    inbox, port = relay
    tenant = make_tenant(url)
    domain_name = f"bill{uuid.uuid4().hex[:8]}.example"
    set_plugin_settings(url, tenant, "mail", {"relay_port": port})
    set_plugin_settings(url, tenant, "notify", {"email_from": f"billing@{domain_name}"})
    domain = _ok(
        client.post("/api/v1/mail/domains", json={"domain": domain_name}, headers=tenant.headers),
        201,
    )
    partner = _ok(
        client.post(
            f"{API}/partners",
            json={"name": "Ada Lovelace Ltd", "kind": "customer", "email": "ada@example.org"},
            headers=tenant.headers,
        ),
        201,
    )
    draft = _ok(
        client.post(
            f"{API}/invoices",
            json={
                "partner_id": partner["id"],
                "lines": [
                    {"description": "Analytical engine", "quantity": "1", "unit_price": "250"}
                ],
            },
            headers=tenant.headers,
        ),
        201,
    )
    refused = client.post(f"{API}/invoices/{draft['id']}/send", json={}, headers=tenant.headers)
    assert refused.status_code == 409, refused.text  # a draft is not sent

    with EventWorkerHarness(client) as worker:
        posted = _ok(client.post(f"{API}/invoices/{draft['id']}/post", headers=tenant.headers))
        worker.wait_handled("finance", 1)  # its own posted event: the PDF is rendered
        [rendered] = outbox_events(url, tenant, "finance.invoice.rendered.v1")
        key = {"Idempotency-Key": '"send-1"'}
        sent = _ok(
            client.post(
                f"{API}/invoices/{draft['id']}/send",
                json={},
                headers={**tenant.headers, **key},
            )
        )
        worker.wait_handled("mail", 1)
        worker.wait_handled("notify", 2)  # the queued delivery, then mail.outbound.sent.v1

    number = posted["number"]
    filename = f"{number.replace('/', '-')}.pdf"
    assert rendered.data["record_type"] == "finance.invoice"
    assert rendered.data["record_id"] == draft["id"]
    assert rendered.data["label"] == number
    assert rendered.data["blob_key"] == f"finance/invoices/{draft['id']}.pdf"
    assert (rendered.data["filename"], rendered.data["content_type"]) == (
        filename,
        "application/pdf",
    )
    assert rendered.data["partner_id"] == partner["id"]
    assert sent["sent_to"] == ["ada@example.org"]
    [(sender, recipients, raw)] = inbox.wait_for(1)
    assert (sender, recipients) == (f"bounces@{domain_name}", ["ada@example.org"])
    [dkim_record] = [r for r in domain["records"] if r["purpose"] == "dkim"]

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        found = name.decode().rstrip(".") == dkim_record["name"]
        return dkim_record["value"].encode() if found else None

    assert dkim.verify(raw, dnsfunc=dns)
    email = message_from_bytes(raw, policy=policy.default)
    assert email["Subject"].startswith(f"Invoice {number}")
    assert "250.00" in email.get_body(("plain",)).get_content()
    [pdf] = list(email.iter_attachments())
    assert (pdf.get_filename(), pdf.get_content_type()) == (filename, "application/pdf")
    content = pdf.get_content()
    assert content.startswith(b"%PDF-") and len(content) == rendered.data["size"]

    shown = _ok(client.get(f"{API}/invoices/{draft['id']}", headers=tenant.headers))
    assert shown["sent_to"] == ["ada@example.org"] and shown["sent_at"] is not None
    [event] = outbox_events(url, tenant, "finance.invoice.sent.v1")
    declared = {e.type: e.payload for e in nexus_finance.nexus_manifest().events}
    for published in (rendered, event):
        msgspec.convert(published.data, declared[published.type])  # the declared payload
    assert event.data["message_ids"] == [sent["messages"][0]["message_id"]]
    message = _ok(
        client.get(
            f"/api/v1/notify/messages/{sent['messages'][0]['message_id']}",
            headers=tenant.headers,
        )
    )
    assert [d["state"] for d in message["deliveries"]] == ["sent"]
    again = _ok(
        client.post(
            f"{API}/invoices/{draft['id']}/send", json={}, headers={**tenant.headers, **key}
        )
    )
    assert again["messages"] == sent["messages"]  # the same key sends nothing again
    assert len(outbox_events(url, tenant, "finance.invoice.sent.v1")) == 1

    _ok(client.put("/api/v1/features/notify", json={"enabled": False}, headers=tenant.headers))
    off = client.post(f"{API}/invoices/{draft['id']}/send", json={}, headers=tenant.headers)
    assert off.status_code == 409, off.text
    assert off.json()["blocking"] == ["notify"]


def test_the_tenant_template_writes_the_email_to_each_given_address(
    world: tuple[Any, str],
) -> None:
    client, url = world
    tenant = make_tenant(url)
    template = {
        "key": "finance.invoice",
        "locale": "en",
        "subject": "{{ company }}: invoice {{ number }}",
        "text": "{{ customer }}, {{ amount_due | money(currency) }} is due on {{ due_date }}.",
    }
    _ok(client.post("/api/v1/notify/templates", json=template, headers=tenant.headers), 201)
    draft = _ok(
        client.post(
            f"{API}/invoices",
            json={
                "partner_name": "Grace Hopper Inc",
                "lines": [{"description": "Compiler", "quantity": "2", "unit_price": "60"}],
            },
            headers=tenant.headers,
        ),
        201,
    )
    posted = _ok(client.post(f"{API}/invoices/{draft['id']}/post", headers=tenant.headers))
    no_address = client.post(f"{API}/invoices/{draft['id']}/send", json={}, headers=tenant.headers)
    assert no_address.status_code == 422, no_address.text  # the partner has no email
    to = ["grace@example.org", "ap@example.org"]
    sent = _ok(
        client.post(f"{API}/invoices/{draft['id']}/send", json={"to": to}, headers=tenant.headers)
    )
    assert sent["sent_to"] == to
    for message in sent["messages"]:
        shown = _ok(
            client.get(f"/api/v1/notify/messages/{message['message_id']}", headers=tenant.headers)
        )
        assert shown["subject"].endswith(f"invoice {posted['number']}")
        assert shown["text"].startswith("Grace Hopper Inc, ") and "120.00" in shown["text"]
        [attachment] = shown["attachments"]
        assert attachment["blob_key"] == f"finance/invoices/{draft['id']}.pdf"
    other = make_tenant(url)
    theirs = client.post(f"{API}/invoices/{draft['id']}/send", json={}, headers=other.headers)
    assert theirs.status_code == 404
