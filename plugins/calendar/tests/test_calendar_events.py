"""Calendars and events: recurrence with an exception, all-day events, the iCalendar export,
feed tokens (revocable), bad input, and another tenant seeing none of it."""

from __future__ import annotations

from typing import Any

import icalendar

API = "/api/v1/calendar"


def ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json() if status != 204 else None


def standup(client: Any, tenant: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    cal = ok(
        client.post(
            f"{API}/calendars",
            json={"name": "Team", "timezone": "Europe/Berlin"},
            headers=tenant.headers,
        ),
        201,
    )
    event = ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Stand-up",
                "starts_at": "2026-12-07T09:00:00+01:00",
                "ends_at": "2026-12-07T09:15:00+01:00",
                "rrule": "FREQ=WEEKLY;BYDAY=MO;COUNT=4",
                "exdates": ["2026-12-14T09:00:00+01:00"],
            },
            headers=tenant.headers,
        ),
        201,
    )
    return cal, event


def window(client: Any, tenant: Any, cal_id: str) -> list[dict[str, Any]]:
    params = {"start": "2026-12-01T00:00:00Z", "end": "2027-02-01T00:00:00Z"}
    return ok(
        client.get(f"{API}/calendars/{cal_id}/occurrences", params=params, headers=tenant.headers)
    )


def test_a_weekly_event_expands_without_its_exception(client: Any, tenant: Any) -> None:
    cal, event = standup(client, tenant)
    assert event["timezone"] == "Europe/Berlin" and event["sequence"] == 0
    starts = [o["start"] for o in window(client, tenant, cal["id"])]
    assert starts == [
        "2026-12-07T09:00:00+01:00",
        "2026-12-21T09:00:00+01:00",
        "2026-12-28T09:00:00+01:00",
    ]
    changed = ok(
        client.patch(f"{API}/events/{event['id']}", json={"exdates": []}, headers=tenant.headers)
    )
    assert changed["sequence"] == 1
    assert len(window(client, tenant, cal["id"])) == 4


def test_an_all_day_event_and_the_export(client: Any, tenant: Any) -> None:
    cal, _ = standup(client, tenant)
    ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={"summary": "Holiday", "all_day": True, "start_date": "2026-12-25"},
            headers=tenant.headers,
        ),
        201,
    )
    occurrences = window(client, tenant, cal["id"])
    holiday = [o for o in occurrences if o["all_day"]]
    assert holiday == [{**holiday[0], "start": "2026-12-25", "end": "2026-12-26"}]
    response = client.get(f"{API}/calendars/{cal['id']}/ics", headers=tenant.headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    parsed = icalendar.Calendar.from_ical(response.content)
    events = {str(e["SUMMARY"]): e for e in parsed.walk("VEVENT")}
    assert str(events["Stand-up"]["RRULE"].to_ical().decode()).startswith("FREQ=WEEKLY")
    assert events["Stand-up"]["DTSTART"].params["TZID"] == "Europe/Berlin"
    assert "EXDATE" in events["Stand-up"]
    assert list(parsed.walk("VTIMEZONE"))


def test_a_feed_token_serves_until_revoked(client: Any, tenant: Any) -> None:
    cal, _ = standup(client, tenant)
    feed = ok(client.post(f"{API}/calendars/{cal['id']}/feeds", headers=tenant.headers), 201)
    url = feed["path"].replace("{tenant}", tenant.slug)
    served = client.get(url)
    assert served.status_code == 200, served.text
    assert b"Stand-up" in served.content
    assert client.get(url + "x").status_code == 404
    ok(client.delete(f"{API}/feeds/{feed['id']}", headers=tenant.headers), 204)
    assert client.get(url).status_code == 404


def test_bad_times_and_rules_are_422(client: Any, tenant: Any) -> None:
    cal, _ = standup(client, tenant)
    bad = [
        {
            "summary": "x",
            "starts_at": "2026-12-07T09:00:00+01:00",
            "ends_at": "2026-12-07T08:00:00+01:00",
        },
        {
            "summary": "x",
            "starts_at": "2026-12-07T09:00:00+01:00",
            "ends_at": "2026-12-07T10:00:00+01:00",
            "rrule": "FREQ=SOMETIMES",
        },
        {
            "summary": "x",
            "starts_at": "2026-12-07T09:00:00+01:00",
            "ends_at": "2026-12-07T10:00:00+01:00",
            "timezone": "Mars/Olympus",
        },
        {"summary": "x", "all_day": True},
        {
            "summary": "x",
            "starts_at": "2026-12-07T09:00:00+01:00",
            "ends_at": "2026-12-07T10:00:00+01:00",
            "exdates": ["soon"],
        },
    ]
    for body in bad:
        response = client.post(
            f"{API}/calendars/{cal['id']}/events", json=body, headers=tenant.headers
        )
        assert response.status_code == 422, (body, response.text)


def test_another_tenant_sees_none_of_it(client: Any, tenant: Any, other: Any) -> None:
    cal, event = standup(client, tenant)
    feed = ok(client.post(f"{API}/calendars/{cal['id']}/feeds", headers=tenant.headers), 201)
    for path in (
        f"/calendars/{cal['id']}",
        f"/calendars/{cal['id']}/ics",
        f"/events/{event['id']}",
    ):
        assert client.get(API + path, headers=other.headers).status_code == 404
    assert client.delete(f"{API}/feeds/{feed['id']}", headers=other.headers).status_code == 404
    assert ok(client.get(f"{API}/calendars", headers=other.headers)) == []
    url = feed["path"].replace("{tenant}", other.slug)
    assert client.get(url).status_code == 404


def test_free_busy_merges_overlaps_and_skips_exceptions(client: Any, tenant: Any) -> None:
    cal, _ = standup(client, tenant)
    ok(
        client.post(
            f"{API}/calendars/{cal['id']}/events",
            json={
                "summary": "Review",
                "starts_at": "2026-12-07T09:10:00+01:00",
                "ends_at": "2026-12-07T10:00:00+01:00",
            },
            headers=tenant.headers,
        ),
        201,
    )
    params = {"start": "2026-12-07T00:00:00Z", "end": "2026-12-15T00:00:00Z"}
    busy = ok(client.get(f"{API}/freebusy", params=params, headers=tenant.headers))
    assert [(b["start"][:16], b["end"][:16]) for b in busy if b["start"] >= "2026-12-07"] == [
        ("2026-12-07T08:00", "2026-12-07T09:00")
    ]
