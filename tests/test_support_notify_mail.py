"""A helpdesk reply reaches the customer's inbox: Support → Notification → Mail → SMTP.

The three plugins only meet through their contracts: Support calls ``notify.send``;
Notification publishes ``notify.email.requested.v1``; Mail signs and relays it, then
publishes ``mail.outbound.sent.v1``, which Notification records on the delivery. The relay
is a local SMTP server; the DKIM signature is checked against the record Mail publishes.
"""

from __future__ import annotations

import socket
import threading
import uuid
from email import message_from_bytes, policy
from typing import TYPE_CHECKING, Any

import dkim
import nexus_mail
import nexus_notify
import nexus_support
import pytest
from aiosmtpd.controller import Controller
from nexus.testing import (
    EventWorkerHarness,
    create_test_client,
    make_tenant,
    migrated_database,
    outbox_events,
    set_plugin_settings,
)

if TYPE_CHECKING:
    from collections.abc import Iterator

PLUGINS = [nexus_mail, nexus_notify, nexus_support]


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
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url) as client,
    ):
        yield client, url


def test_a_ticket_reply_arrives_dkim_signed_and_its_delivery_is_marked_sent(
    world: tuple[Any, str], relay: tuple[_Inbox, int]
) -> None:
    client, url = world
    inbox, port = relay
    tenant = make_tenant(url)
    domain_name = f"help{uuid.uuid4().hex[:8]}.example"
    set_plugin_settings(url, tenant, "mail", {"relay_port": port})
    set_plugin_settings(url, tenant, "notify", {"email_from": f"support@{domain_name}"})
    domain = client.post(
        "/api/v1/mail/domains", json={"domain": domain_name}, headers=tenant.headers
    )
    assert domain.status_code == 201, domain.text
    ticket = client.post(
        "/api/v1/support/tickets",
        headers=tenant.headers,
        json={
            "subject": "Invoice 42 is wrong",
            "body": "The VAT line is missing.",
            "requester_email": "ada@example.org",
            "requester_name": "Ada",
        },
    )
    assert ticket.status_code == 201, ticket.text

    with EventWorkerHarness(client) as worker:
        replied = client.post(
            f"/api/v1/support/tickets/{ticket.json()['id']}/replies",
            headers=tenant.headers,
            json={"body": "Fixed: the corrected invoice is attached to your account."},
        )
        assert replied.status_code in (200, 201), replied.text
        worker.wait_handled("mail", 1)  # notify.email.requested.v1, sent through the relay
        worker.wait_handled("notify", 2)  # its queued delivery, then mail.outbound.sent.v1

    [requested] = outbox_events(url, tenant, "notify.email.requested.v1")
    message_id = requested.data["headers"]["Message-ID"]
    [(sender, recipients, raw)] = inbox.wait_for(1)
    assert (sender, recipients) == (f"bounces@{domain_name}", ["ada@example.org"])
    [dkim_record] = [r for r in domain.json()["records"] if r["purpose"] == "dkim"]

    def dns(name: bytes, timeout: int = 5) -> bytes | None:
        found = name.decode().rstrip(".") == dkim_record["name"]
        return dkim_record["value"].encode() if found else None

    assert dkim.verify(raw, dnsfunc=dns)
    email = message_from_bytes(raw, policy=policy.default)
    assert email["Message-ID"] == message_id  # Support's, so the customer's answer threads
    assert "corrected invoice" in email.get_body(("plain",)).get_content()
    [sent] = outbox_events(url, tenant, "mail.outbound.sent.v1")
    assert sent.data["delivery_ref"] == requested.data["delivery_id"]
    messages = client.get("/api/v1/notify/messages", headers=tenant.headers).json()["items"]
    shown = client.get(f"/api/v1/notify/messages/{messages[0]['id']}", headers=tenant.headers)
    [delivery] = shown.json()["deliveries"]
    assert (delivery["channel"], delivery["state"]) == ("email", "sent")
