"""Inbound email (Mail's event) opens and continues tickets; CRM's contacts link requesters."""

from __future__ import annotations

import uuid
from typing import Any

from nexus.testing import EventWorkerHarness, set_plugin_settings
from support_helpers import get, post, publish

CONSUMER = "support"


def _mail(**fields: Any) -> dict[str, Any]:
    return {
        "message_id": str(uuid.uuid4()),
        "rfc_message_id": f"<{uuid.uuid4()}@mail.example.com>",
        "from_address": "grace@example.com",
        "from_name": "Grace Hopper",
        "to": ["help@acme.test"],
        "cc": [],
        "subject": "Bug in the compiler",
        "text": "There is a moth in relay 70.",
        "in_reply_to": None,
        "references": [],
        "received_at": "2026-03-16T10:00:00+00:00",
        "attachments": [],
        "auth": {"spf": "pass", "dkim": "pass", "dmarc": "pass"},
        **fields,
    }


def test_mail_opens_a_ticket_linked_to_the_crm_contact_and_threads_replies(
    client: Any, tenant: Any, support_db: str
) -> None:
    set_plugin_settings(support_db, tenant, "support", {"inbound_addresses": ["Help@acme.test"]})
    contact = str(uuid.uuid4())
    first = _mail()
    with EventWorkerHarness(client) as worker:
        publish(
            client,
            tenant,
            "crm",
            "crm.contact.created.v1",
            {
                "id": contact,
                "first_name": "Grace",
                "last_name": "Hopper",
                "email": "Grace@Example.com",
                "phone": None,
                "company_id": None,
            },
        )
        worker.wait_handled(CONSUMER, 1)
        publish(client, tenant, "mail", "mail.message.received.v1", first)
        publish(client, tenant, "mail", "mail.message.received.v1", _mail(to=["sales@acme.test"]))
        worker.wait_handled(CONSUMER, 3)
    [opened] = get(client, tenant, "/tickets")["items"]
    assert (opened["channel"], opened["requester_email"], opened["contact_ref"]) == (
        "email",
        "grace@example.com",
        contact,
    )
    assert opened["created_at"].startswith("2026-03-16T10:00:00")
    reply = post(
        client,
        tenant,
        f"/tickets/{opened['id']}/replies",
        {"body": "Removed.", "status": "pending"},
    )
    answer = _mail(
        subject="Re: Bug in the compiler",
        text="Thanks!",
        in_reply_to=reply["rfc_message_id"],
        references=[first["rfc_message_id"], reply["rfc_message_id"]],
    )
    by_subject = _mail(subject=f"Another thing [#{opened['number']}]", text="Also relay 71.")
    with EventWorkerHarness(client) as worker:
        publish(client, tenant, "mail", "mail.message.received.v1", answer)
        publish(client, tenant, "mail", "mail.message.received.v1", answer)  # delivered twice
        publish(client, tenant, "mail", "mail.message.received.v1", by_subject)
        worker.wait_handled(CONSUMER, 3)
    assert len(get(client, tenant, "/tickets")["items"]) == 1
    messages = get(client, tenant, f"/tickets/{opened['id']}/messages")
    assert [m["body"] for m in messages] == [
        "There is a moth in relay 70.",
        "Removed.",
        "Thanks!",
        "Also relay 71.",
    ]
    assert get(client, tenant, f"/tickets/{opened['id']}")["status"] == "open"
