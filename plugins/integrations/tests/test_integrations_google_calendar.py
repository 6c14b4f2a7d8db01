"""Issue #30's Google Calendar sync: Google's events ⇄ a shared Nexus calendar, both ways,
with sync tokens (410: a full sync) and etags (``If-Match``); a dry run writes nothing, a
re-run changes nothing, and an event changed on both sides follows the connection's policy."""

from __future__ import annotations

from typing import Any

import pytest
from google_fake import FakeGoogle
from google_steps import CALENDAR_SCOPE, CONTACTS, authorize, connect, ok, run

CAL = "/api/v1/calendar"
BERLIN = "Europe/Berlin"


@pytest.fixture
def google() -> Any:
    with FakeGoogle() as fake:
        fake.calendar.add(
            "Standup",
            {"dateTime": "2026-12-14T09:00:00+01:00", "timeZone": BERLIN},
            {"dateTime": "2026-12-14T09:15:00+01:00", "timeZone": BERLIN},
            recurrence=["RRULE:FREQ=WEEKLY;BYDAY=MO"],
        )
        fake.calendar.add("Offsite", {"date": "2026-12-17"}, {"date": "2026-12-19"})
        yield fake


def shared_calendar(client: Any, tenant: Any) -> str:
    body = {"name": "Team", "timezone": BERLIN}
    return str(ok(client.post(f"{CAL}/calendars", json=body, headers=tenant.headers), 201)["id"])


def occurrences(client: Any, tenant: Any, calendar: str) -> dict[str, Any]:
    """The calendar's events by summary (their first occurrence in December 2026)."""
    window = {"start": "2026-12-01T00:00:00Z", "end": "2026-12-31T00:00:00Z"}
    url = f"{CAL}/calendars/{calendar}/occurrences"
    found = ok(client.get(url, params=window, headers=tenant.headers))
    first: dict[str, Any] = {}
    for one in found:
        first.setdefault(one["summary"], one)
    return first


def connect_calendar(
    client: Any, tenant: Any, google: FakeGoogle, calendar: str, **extra: Any
) -> str:
    connection = connect(
        client,
        tenant,
        google,
        calendar_id=calendar,
        calendar_api_url=f"{google.base_url}/calendar/v3/",
        **extra,
    )
    authorize(client, tenant, connection, scopes=(CONTACTS, CALENDAR_SCOPE))
    return connection


def test_google_calendar_syncs_both_ways_and_a_rerun_changes_nothing(
    client: Any, tenant: Any, google: FakeGoogle
) -> None:
    calendar = shared_calendar(client, tenant)
    review = {
        "summary": "Review",
        "starts_at": "2026-12-15T14:00:00+01:00",
        "ends_at": "2026-12-15T15:00:00+01:00",
        "location": "Room 1",
    }
    url = f"{CAL}/calendars/{calendar}/events"
    review_id = ok(client.post(url, json=review, headers=tenant.headers), 201)["id"]
    connection = connect_calendar(client, tenant, google, calendar)

    dry = run(client, tenant, connection, dry_run=True)
    assert dry["events"]["create"] == 2
    assert dry["events (sent)"]["create"] == 1
    assert set(occurrences(client, tenant, calendar)) == {"Review"}
    assert len(google.calendar.events) == 2

    first = run(client, tenant, connection)
    assert first["events"] == {"create": 2, "update": 0, "unchanged": 0, "conflict": 0}
    assert first["events (sent)"] == {"create": 1, "update": 0, "unchanged": 0, "conflict": 0}
    here = occurrences(client, tenant, calendar)
    assert set(here) == {"Review", "Standup", "Offsite"}
    assert here["Standup"]["start"].startswith("2026-12-14T09:00:00+01:00")
    assert here["Offsite"]["all_day"] is True
    assert (here["Offsite"]["start"], here["Offsite"]["end"]) == ("2026-12-17", "2026-12-19")
    standup = ok(client.get(f"{CAL}/events/{here['Standup']['event_id']}", headers=tenant.headers))
    assert standup["rrule"] == "FREQ=WEEKLY;BYDAY=MO"
    assert standup["timezone"] == BERLIN
    [sent] = google.calendar.by_summary("Review")
    assert sent["start"] == {"dateTime": "2026-12-15T14:00:00+01:00", "timeZone": BERLIN}
    assert sent["location"] == "Room 1"
    assert sent["extendedProperties"]["private"]["nexus_id"] == review_id

    # A change in Nexus reaches Google, with the etag last seen in If-Match.
    patch = {
        "summary": "Design review",
        "starts_at": "2026-12-15T16:00:00+01:00",
        "ends_at": "2026-12-15T17:00:00+01:00",
    }
    ok(client.patch(f"{CAL}/events/{review_id}", json=patch, headers=tenant.headers))
    second = run(client, tenant, connection)
    assert second["events (sent)"]["update"] == 1
    [moved] = google.calendar.by_summary("Design review")
    assert moved["id"] == sent["id"]
    assert moved["start"]["dateTime"] == "2026-12-15T16:00:00+01:00"

    # A change in Google reaches Nexus, and is not echoed back.
    [offsite] = google.calendar.by_summary("Offsite")
    google.calendar.edit(offsite["id"], summary="Offsite in Lisbon", location="Lisbon")
    third = run(client, tenant, connection)
    assert third["events"]["update"] == 1
    assert "events (sent)" not in third
    assert "Offsite in Lisbon" in occurrences(client, tenant, calendar)

    # Re-running changes nothing on either side; nor does a full sync after a 410.
    before = {i: dict(e) for i, e in google.calendar.events.items()}
    again = run(client, tenant, connection)
    assert all(c["create"] == c["update"] == c["conflict"] == 0 for c in again.values()), again
    google.calendar.expire_tokens()
    full = run(client, tenant, connection)
    assert full["events"] == {"create": 0, "update": 0, "unchanged": 3, "conflict": 0}
    assert google.calendar.events == before
    assert len(occurrences(client, tenant, calendar)) == 3


def test_an_event_changed_on_both_sides_follows_remote_wins(
    client: Any, tenant: Any, google: FakeGoogle
) -> None:
    calendar = shared_calendar(client, tenant)
    connection = connect_calendar(client, tenant, google, calendar, conflict_policy="remote_wins")
    run(client, tenant, connection)
    here = occurrences(client, tenant, calendar)["Standup"]
    ok(
        client.patch(
            f"{CAL}/events/{here['event_id']}", json={"location": "Kitchen"}, headers=tenant.headers
        )
    )
    [standup] = google.calendar.by_summary("Standup")
    google.calendar.edit(standup["id"], summary="Daily standup")
    counts = run(client, tenant, connection)
    assert counts["events"]["conflict"] == 1
    assert "events (sent)" not in counts  # remote_wins: Google's event stands
    now = ok(client.get(f"{CAL}/events/{here['event_id']}", headers=tenant.headers))
    assert (now["summary"], now["location"]) == ("Daily standup", None)
    assert google.calendar.events[standup["id"]]["summary"] == "Daily standup"
    again = run(client, tenant, connection)
    assert all(c["create"] == c["update"] == c["conflict"] == 0 for c in again.values()), again


def test_another_tenants_calendar_is_not_synced_into(
    client: Any, tenant: Any, other: Any, google: FakeGoogle
) -> None:
    theirs = shared_calendar(client, other)
    connection = connect_calendar(client, tenant, google, theirs)
    url = f"/api/v1/integrations/connections/{connection}/imports"
    done = ok(client.post(url, json={}, headers=tenant.headers), 201)
    assert done["status"] == "failed"
    assert occurrences(client, other, theirs) == {}
