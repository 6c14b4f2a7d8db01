"""Calendar's assistant tools: free/busy and events in a window, as the assistant's user."""

from __future__ import annotations

from nexus.testing import call_tool

WINDOW = {"start": "2026-12-07T00:00:00Z", "end": "2026-12-14T00:00:00Z"}


def _calendar(client, tenant, **extra):
    made = client.post(
        "/api/v1/calendar/calendars", json={"name": "Team", **extra}, headers=tenant.headers
    )
    assert made.status_code == 201, made.text
    return made.json()["id"]


def _event(client, tenant, calendar_id, summary, start, end):
    made = client.post(
        f"/api/v1/calendar/calendars/{calendar_id}/events",
        json={"summary": summary, "starts_at": start, "ends_at": end},
        headers=tenant.headers,
    )
    assert made.status_code == 201, made.text


def test_free_busy_and_events_of_the_shared_calendars(client, tenant, other):
    team = _calendar(client, tenant)
    _event(client, tenant, team, "Design review", "2026-12-08T09:00:00Z", "2026-12-08T10:00:00Z")
    _event(client, tenant, team, "Lunch", "2026-12-08T09:30:00Z", "2026-12-08T11:00:00Z")
    mine = _calendar(client, tenant, personal=True)  # the API key's own: not this user's
    _event(client, tenant, mine, "Dentist", "2026-12-09T08:00:00Z", "2026-12-09T09:00:00Z")
    theirs = _calendar(client, other)
    _event(client, other, theirs, "Board", "2026-12-10T08:00:00Z", "2026-12-10T09:00:00Z")

    busy = call_tool(client, tenant, "calendar.freebusy", WINDOW)
    listed = call_tool(client, tenant, "calendar.events.list", WINDOW)
    reviews = call_tool(client, tenant, "calendar.events.list", {**WINDOW, "query": "REVIEW"})
    too_long = call_tool(
        client, tenant, "calendar.freebusy", {**WINDOW, "end": "2028-01-01T00:00:00Z"}
    )

    assert busy.ok, busy.error
    [period] = busy.result
    assert period == {"start": "2026-12-08T09:00:00+00:00", "end": "2026-12-08T11:00:00+00:00"}
    assert [o["summary"] for o in listed.result] == ["Design review", "Lunch"]
    assert [o["summary"] for o in reviews.result] == ["Design review"]
    assert not too_long.ok and "366" in (too_long.error or "")
