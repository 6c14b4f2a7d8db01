"""Support replies through Notification: the ``notify.send`` contract between the two."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import nexus_notify
import nexus_support
import pytest
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

PLUGINS = [nexus_notify, nexus_support]


@pytest.fixture(scope="module")
def world(nexus_postgres_server: str) -> Iterator[tuple[Any, str]]:
    with (
        migrated_database(nexus_postgres_server, PLUGINS) as url,
        create_test_client(PLUGINS, database_url=url) as client,
    ):
        yield client, url


def test_a_ticket_reply_goes_out_as_a_notify_email_with_supports_message_id(
    world: tuple[Any, str],
) -> None:
    client, url = world
    tenant = make_tenant(url)
    ticket = client.post(
        "/api/v1/support/tickets",
        headers=tenant.headers,
        json={
            "subject": "Printer on fire",
            "body": "Help",
            "requester_email": "ada@example.com",
            "requester_name": "Ada",
        },
    )
    assert ticket.status_code == 201, ticket.text
    ticket_id = ticket.json()["id"]
    with EventWorkerHarness(client) as worker:
        replied = client.post(
            f"/api/v1/support/tickets/{ticket_id}/replies",
            headers=tenant.headers,
            json={"body": "On our way."},
        )
        assert replied.status_code in (200, 201), replied.text
        worker.wait_handled("notify", 1)
    [requested] = outbox_events(url, tenant, "notify.email.requested.v1")
    assert requested.data["to_address"] == "ada@example.com"
    assert requested.data["category"] == "support.replies"
    assert requested.data["subject"].endswith("Printer on fire")
    assert requested.data["text"].startswith("On our way.")
    message_id = requested.data["headers"]["Message-ID"]
    listed = client.get("/api/v1/notify/messages", headers=tenant.headers).json()["items"]
    [message] = [m for m in listed if m["source_ref"] == f"support.ticket:{ticket_id}"]
    shown = client.get(f"/api/v1/notify/messages/{message['id']}", headers=tenant.headers).json()
    [delivery] = shown["deliveries"]
    assert delivery["channel"] == "email" and delivery["state"] == "sending"  # handed to Mail
    assert message_id.startswith("<") and message_id.endswith(">")


def test_solving_a_ticket_emails_the_survey_link_once_when_the_tenant_set_one(
    world: tuple[Any, str],
) -> None:
    client, url = world
    tenant = make_tenant(url)
    survey = f"https://help.example.com/survey/{{token}}?t={tenant.slug}"
    set_plugin_settings(url, tenant, "support", {"survey_url": survey})
    ticket = client.post(
        "/api/v1/support/tickets",
        headers=tenant.headers,
        json={"subject": "Login fails", "body": "Help", "requester_email": "bo@example.com"},
    ).json()

    solved = client.post(
        f"/api/v1/support/tickets/{ticket['id']}/solve", headers=tenant.headers, json={}
    )

    assert solved.status_code == 200, solved.text
    [event] = outbox_events(url, tenant, "support.ticket.solved.v1")
    token = event.data["csat_token"]
    listed = client.get("/api/v1/notify/messages", headers=tenant.headers).json()["items"]
    [message] = [m for m in listed if m["category"] == "support.surveys"]
    assert message["source_ref"] == f"support.ticket:{ticket['id']}"
    shown = client.get(f"/api/v1/notify/messages/{message['id']}", headers=tenant.headers).json()
    assert shown["text"].endswith(survey.replace("{token}", token))
    # The link works: the public survey takes one answer.
    answer = client.post(f"/api/v1/support/public/{tenant.slug}/csat/{token}", json={"rating": 5})
    assert answer.status_code in (200, 201), answer.text
