"""People: the in-app feed and its stream, preferences, quiet hours, unsubscribe links."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from nexus.testing import (
    EventWorkerHarness,
    make_tenant,
    run_sync,
    set_plugin_settings,
    tenant_transaction,
)
from notify_support import API, BASE, configure, handled, ok, settled

if TYPE_CHECKING:
    from notify_fakes import FakeProviders

PASSWORD = "correct horse battery"


def _user(client: Any, db: str) -> tuple[Any, dict[str, str], str]:
    tenant = make_tenant(
        db, users=({"email": "lin@example.com", "name": "Lin", "password": PASSWORD},)
    )
    token = ok(
        client.post(
            "/api/v1/auth/token",
            json={
                "grant_type": "password",
                "tenant": tenant.slug,
                "email": "lin@example.com",
                "password": PASSWORD,
            },
        )
    )["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    me = ok(client.get("/api/v1/me", headers=headers))
    return tenant, headers, str(me.get("user_id") or me.get("id") or me["subject"])


def test_in_app_messages_reach_the_users_feed_stream_and_preferences(
    client: Any, notify_db: str
) -> None:
    tenant, lin, user_id = _user(client, notify_db)
    ok(client.put(f"{API}/preferences/tasks.assigned", json={"channels": ["in_app"]}, headers=lin))
    assert ok(client.get(f"{API}/preferences", headers=lin)) == [
        {"category": "tasks.assigned", "channels": ["in_app"]}
    ]
    body = {
        "to": {"user_id": user_id, "email": "lin@example.com"},
        "category": "tasks.assigned",
        "subject": "New task",
        "text": "Review Q3 numbers",
    }
    with EventWorkerHarness(client) as worker:
        sent = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
        handled(worker, *[d["id"] for d in sent["deliveries"]])
    assert [d["channel"] for d in sent["deliveries"]] == ["in_app"]  # her preference
    [item] = ok(client.get(f"{API}/feed", headers=lin))
    assert (item["title"], item["body"], item["read_at"]) == ("New task", "Review Q3 numbers", None)
    stream = client.get(f"{API}/feed/stream", params={"once": "true"}, headers=lin)
    assert stream.status_code == 200
    assert "event: notification" in stream.text and item["id"] in stream.text
    read = ok(client.post(f"{API}/feed/{item['id']}/read", headers=lin))
    assert read["read_at"] is not None
    assert ok(client.get(f"{API}/feed", params={"unread": "true"}, headers=lin)) == []
    # An API key has no feed of its own; another tenant's user sees nothing of this one.
    assert client.get(f"{API}/feed", headers=tenant.headers).status_code == 422
    other, other_lin, _ = _user(client, notify_db)
    assert ok(client.get(f"{API}/feed", headers=other_lin)) == []
    assert client.post(f"{API}/feed/{item['id']}/read", headers=other_lin).status_code == 404


def test_quiet_hours_delay_sms_in_the_recipients_zone(
    client: Any, tenant: Any, notify_db: str, fakes: FakeProviders
) -> None:
    hour = datetime.now(UTC).hour
    configure(client, notify_db, tenant, fakes, quiet_start=hour, quiet_end=(hour + 1) % 24)
    body = {
        "to": {"phone": "+14155550101", "time_zone": "UTC"},
        "category": "alerts",
        "text": "Later",
        "channels": ["sms"],
    }
    sent = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
    assert [d["state"] for d in sent["deliveries"]] == ["scheduled"]
    [delivery] = ok(client.get(f"{API}/messages/{sent['id']}", headers=tenant.headers))[
        "deliveries"
    ]
    due = datetime.fromisoformat(delivery["next_attempt_at"])
    assert due.minute == 0 and due.hour == (hour + 1) % 24

    async def end_quiet_hours() -> None:  # the hour passes: the delivery is due now
        async with tenant_transaction(notify_db, tenant) as conn:
            await conn.execute(
                "update notify_delivery set next_attempt_at = now() where id = $1",
                UUID(delivery["id"]),
            )
            await conn.execute("select notify_due_at(now(), true)")

    with EventWorkerHarness(client) as worker:
        run_sync(end_quiet_hours())
        handled(worker, delivery["id"])  # the due-work loop queued it again
    [delivery] = settled(client, tenant, sent["id"])
    assert (delivery["state"], delivery["provider"]) == ("sent", "twilio")  # delayed, not dropped
    # Elsewhere it is not quiet: Honolulu is ten hours behind.
    away = dict(body, to={"phone": "+14155550101", "time_zone": "Pacific/Honolulu"})
    sent = ok(client.post(f"{API}/messages", json=away, headers=tenant.headers), 201)
    assert [d["state"] for d in sent["deliveries"]] == ["queued"]


def test_bulk_email_carries_a_signed_unsubscribe_link_that_works(
    client: Any, tenant: Any, notify_db: str
) -> None:
    set_plugin_settings(
        notify_db, tenant, "notify", {"public_base_url": BASE, "bulk_categories": ["news"]}
    )
    body = {
        "to": {"email": "Ada@Example.com"},
        "category": "news",
        "subject": "December",
        "text": "What is new.",
    }
    sent = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
    shown = ok(client.get(f"{API}/messages/{sent['id']}", headers=tenant.headers))
    [url] = re.findall(r"Unsubscribe: (\S+)", shown["text"])
    path = url.removeprefix(BASE)
    assert path.startswith(f"{API}/unsubscribe/{tenant.slug}/")
    assert ok(client.get(path))["unsubscribed"] is False
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    assert client.post(tampered).status_code == 404
    assert ok(client.post(path)) == {
        "address": "Ada@Example.com",
        "category": "news",
        "unsubscribed": True,
    }
    again = ok(client.post(f"{API}/messages", json=body, headers=tenant.headers), 201)
    assert [d["state"] for d in again["deliveries"]] == ["suppressed"]
    other = make_tenant(notify_db)
    assert client.get(path.replace(tenant.slug, other.slug)).status_code == 404
