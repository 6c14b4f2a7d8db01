"""Meetings: scheduling and its events, changes, cancelling, isolation between tenants."""

from __future__ import annotations

from typing import Any

from meet_helpers import API, meeting, ok
from nexus.testing import outbox_events


def test_schedule_publishes_the_join_link(client: Any, tenant: Any, meet_db: str) -> None:
    made = meeting(
        client,
        tenant,
        starts_at="2027-01-11T09:00:00Z",
        ends_at="2027-01-11T09:30:00Z",
        invitees=["kofi@example.com", "ada@example.com", "ada@example.com"],
    )
    assert made["status"] == "scheduled"
    assert made["invitees"] == ["ada@example.com", "kofi@example.com"]
    assert made["join_url"].endswith(f"/api/v1/meet/meetings/{made['id']}")
    shown = ok(client.get(f"{API}/meetings/{made['id']}", headers=tenant.headers))
    assert shown == made
    [event] = outbox_events(meet_db, tenant, "meet.meeting.scheduled.v1")
    assert event.subject == made["id"]
    assert event.data["join_url"] == made["join_url"]
    assert event.data["starts_at"].startswith("2027-01-11T09:00:00")


def test_change_and_cancel(client: Any, tenant: Any, meet_db: str) -> None:
    made = meeting(client, tenant, starts_at="2027-01-11T09:00:00Z")
    url = f"{API}/meetings/{made['id']}"
    changed = ok(client.patch(url, json={"title": "Moved"}, headers=tenant.headers))
    assert changed["title"] == "Moved"
    bad = client.patch(url, json={"ends_at": "2027-01-11T08:00:00Z"}, headers=tenant.headers)
    assert bad.status_code == 422, bad.text
    ok(client.delete(url, headers=tenant.headers), 204)
    assert ok(client.get(url, headers=tenant.headers))["status"] == "cancelled"
    assert client.patch(url, json={"title": "x"}, headers=tenant.headers).status_code == 409
    assert client.delete(url, headers=tenant.headers).status_code == 409
    kinds = [e.type for e in outbox_events(meet_db, tenant)]
    assert kinds == [
        "meet.meeting.scheduled.v1",
        "meet.meeting.updated.v1",
        "meet.meeting.cancelled.v1",
    ]


def test_bad_input_is_a_problem(client: Any, tenant: Any) -> None:
    answer = client.post(f"{API}/meetings", json={"title": ""}, headers=tenant.headers)
    assert answer.status_code == 422
    answer = client.post(
        f"{API}/meetings",
        json={"title": "x", "ends_at": "2027-01-11T09:00:00Z"},
        headers=tenant.headers,
    )
    assert answer.status_code == 422, answer.text


def test_another_tenant_sees_nothing(client: Any, tenant: Any, other: Any) -> None:
    made = meeting(client, tenant)
    url = f"{API}/meetings/{made['id']}"
    assert client.get(url, headers=other.headers).status_code == 404
    assert (
        client.post(f"{url}/join", json={"display_name": "Eve"}, headers=other.headers).status_code
        == 404
    )
    assert client.get(f"{url}/ice", headers=other.headers).status_code == 404
    assert client.get(f"{url}/participants", headers=other.headers).status_code == 404
    assert ok(client.get(f"{API}/meetings", headers=other.headers)) == []
    assert [m["id"] for m in ok(client.get(f"{API}/meetings", headers=tenant.headers))] == [
        made["id"]
    ]
