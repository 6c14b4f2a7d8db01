"""Calendar's catalogue events reach the outbox in the transaction of the change: an event
created, changed (also by a modified occurrence) and cancelled (also with its calendar), an
attendee's answer, a resource booked; another tenant's outbox has none of it."""

from __future__ import annotations

from typing import Any

from nexus.testing import outbox_events
from test_calendar_attendees import reply
from test_calendar_events import API, ok, standup
from test_calendar_resources import at, calendar, event, room


def _published(url: str, tenant: Any, kind: str) -> list[Any]:
    return [e for e in outbox_events(url, tenant) if e.type.startswith(f"calendar.{kind}.")]


def test_an_events_life_is_published(
    client: Any, tenant: Any, other: Any, calendar_db: str
) -> None:
    cal, created = standup(client, tenant)
    ok(
        client.patch(
            f"{API}/events/{created['id']}", json={"location": "Room 2"}, headers=tenant.headers
        )
    )
    ok(
        client.post(
            f"{API}/events/{created['id']}/overrides",
            json={"recurrence_id": "2026-12-21T09:00:00+01:00", "summary": "Later"},
            headers=tenant.headers,
        ),
        201,
    )
    ok(client.delete(f"{API}/events/{created['id']}", headers=tenant.headers), 204)
    _, second = standup(client, tenant)
    doomed = second["calendar_id"]
    ok(client.delete(f"{API}/calendars/{doomed}", headers=tenant.headers), 204)
    published = _published(calendar_db, tenant, "event")
    assert [(e.type, e.subject) for e in published] == [
        ("calendar.event.created.v1", created["id"]),
        ("calendar.event.changed.v1", created["id"]),
        ("calendar.event.changed.v1", created["id"]),
        ("calendar.event.cancelled.v1", created["id"]),
        ("calendar.event.created.v1", second["id"]),
        ("calendar.event.cancelled.v1", second["id"]),
    ]
    first = published[0].data
    assert first == {
        "event_id": created["id"],
        "calendar_id": cal["id"],
        "uid": created["uid"],
        "summary": "Stand-up",
        "all_day": False,
        "starts_at": "2026-12-07T08:00:00Z",
        "ends_at": "2026-12-07T08:15:00Z",
        "start_date": None,
        "end_date": None,
        "timezone": "Europe/Berlin",
        "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4",
        "sequence": 0,
        "source": "api",
    }
    assert published[1].data["sequence"] == 1
    assert outbox_events(calendar_db, other) == []


def test_an_answer_and_a_booking_are_published(client: Any, tenant: Any, calendar_db: str) -> None:
    _, meeting = standup(client, tenant)
    attendees = f"{API}/events/{meeting['id']}/attendees"
    ada = ok(client.post(attendees, json={"email": "ada@example.com"}, headers=tenant.headers), 201)
    ok(
        client.post(
            f"{API}/public/{tenant.slug}/imip",
            content=reply(meeting["uid"], "ada@example.com", "TENTATIVE"),
            headers={"content-type": "text/calendar"},
        )
    )
    [answer] = _published(calendar_db, tenant, "attendee")
    assert (answer.type, answer.subject) == ("calendar.attendee.replied.v1", meeting["id"])
    assert answer.data == {
        "event_id": meeting["id"],
        "attendee_id": ada["id"],
        "email": "ada@example.com",
        "partstat": "TENTATIVE",
        "via": "imip",
    }
    resource = room(client, tenant)
    once = event(client, tenant, calendar(client, tenant), at(0), at(0, 1))
    booking = f"{API}/events/{once['id']}/resources"
    ok(client.post(booking, json={"resource_id": resource["id"]}, headers=tenant.headers), 201)
    ok(client.post(booking, json={"resource_id": resource["id"]}, headers=tenant.headers), 201)
    [booked] = _published(calendar_db, tenant, "resource")
    assert booked.type == "calendar.resource.booked.v1"
    assert booked.data["resource_id"] == resource["id"]
    assert booked.data["occurrences"] == 1
    assert booked.data["first_start"].replace("Z", "+00:00") == at(0)
